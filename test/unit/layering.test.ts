import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkLayering, describeViolation, type LayeringViolation } from "../support/layering";

const ROOT = path.resolve(__dirname, "..", "..");

const byImport = (a: LayeringViolation, b: LayeringViolation) => `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`);

describe("layering (dependency-cruiser)", function () {
  // Parsing some 400 modules with the TypeScript compiler takes a few seconds.
  this.timeout(120_000);

  it("the project keeps its layers: model/ at the bottom, no driver imports in stacks/ or components/, no cycles", async () => {
    const { violations, modules } = await checkLayering(ROOT, ["automation", "stacks", "components", "model", "policy"], "tsconfig.json");
    for (const folder of ["automation/", "stacks/", "components/", "model/", "policy/"]) {
      assert.ok(modules.some((m) => m.startsWith(folder)), `the cruise saw no module under ${folder}`);
    }
    assert.deepEqual(violations.map(describeViolation), [], `layering broken:\n${violations.map(describeViolation).join("\n")}`);
  });

  describe("the rules catch each kind of break (a small project written to a temp dir)", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), "sy-layering-"));
      const files: Record<string, string> = {
        "automation/driver.ts": "export const driver = 1;\n",
        "automation/types.ts": "export type Step = number;\n",
        "automation/a.ts": 'import type { B } from "./b";\nexport interface A { b?: B }\n',
        "automation/b.ts": 'import type { A } from "./a";\nexport interface B { a?: A }\n',
        "automation/uses-stacks.ts": 'import { program } from "../stacks/program";\nexport const run = program;\n',
        "model/shared.ts": 'import * as path from "node:path";\nimport { driver } from "../automation/driver";\nexport const shared = path.join(String(driver));\n',
        "model/pure.ts": 'import * as path from "node:path";\nexport const pure = path.sep;\n',
        "stacks/program.ts": 'import { pure } from "../model/pure";\nimport { driver } from "../automation/driver";\nexport const program = pure + driver;\n',
        "components/split.ts": 'import type { Step } from "../automation/types";\nexport const step: Step = 1;\n',
        "policy/rule.ts": 'import { pure } from "../model/pure";\nimport { program } from "../stacks/program";\nimport { limits } from "../components/traffic/mechanisms/alb";\nexport const rule = pure + program + limits;\n',
        "components/traffic/mechanisms/alb.ts": 'import { split } from "../alb-split";\nexport const limits = split;\n',
        "components/traffic/alb-split.ts": "export const split = 1;\n",
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("names the rule and the import of each break, and nothing that keeps to the layers", async () => {
      const { violations } = await checkLayering(dir, ["automation", "stacks", "components", "model", "policy"]);
      const found = [...violations].sort(byImport).map((v) => ({ rule: v.rule, from: v.from, to: v.to }));
      assert.deepEqual(found, [
        { rule: "components-not-to-automation", from: "components/split.ts", to: "automation/types.ts" },
        { rule: "mechanisms-stay-pure", from: "components/traffic/mechanisms/alb.ts", to: "components/traffic/alb-split.ts" },
        { rule: "model-imports-no-project-code", from: "model/shared.ts", to: "automation/driver.ts" },
        // One violation per cycle, reported from where the cruise entered it.
        { rule: "no-cycles", from: "automation/a.ts", to: "automation/b.ts" },
        { rule: "policy-only-to-model-and-mechanisms", from: "policy/rule.ts", to: "stacks/program.ts" },
        { rule: "stacks-not-to-automation", from: "stacks/program.ts", to: "automation/driver.ts" },
      ]);
    });

    it("describes a cycle by its way round", async () => {
      const { violations } = await checkLayering(dir, ["automation"]);
      const cycle = violations.find((v) => v.rule === "no-cycles" && v.from === "automation/a.ts");
      assert.ok(cycle, "the type-only cycle a.ts <-> b.ts is found");
      assert.match(describeViolation(cycle), /^no-cycles: automation\/a\.ts imports automation\/b\.ts \(cycle: automation\/a\.ts -> automation\/b\.ts -> automation\/a\.ts\)/);
    });
  });
});
