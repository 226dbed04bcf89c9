/**
 * Whether the engine downloads provider plugins: on for cloud targets as under plain Pulumi,
 * off for the local target, the user's own PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION first.
 */
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ACQUISITION_VAR, pluginAcquisition, stackTarget } from "../../../automation/plugins/acquisition";
import { plainEnvironment } from "../../../automation/plain-pulumi";
import { engineEnvironment } from "../../../automation/workspace";
import { readToolchain } from "../../../model/toolchain";

describe("provider plugin acquisition", () => {
  describe("pluginAcquisition(target, env)", () => {
    const cases: [string, string | undefined, string | undefined, { automatic: boolean; reason: string; value: string }][] = [
      ["a cloud target downloads", "aws", undefined, { automatic: true, reason: "cloud-target", value: "false" }],
      ["every cloud target alike", "multicloud", undefined, { automatic: true, reason: "cloud-target", value: "false" }],
      ["the local target stays offline", "local", undefined, { automatic: false, reason: "local-target", value: "true" }],
      ["no stack: Pulumi's default (on)", undefined, undefined, { automatic: true, reason: "default", value: "false" }],
      ["the user's true wins over a cloud target", "aws", "true", { automatic: false, reason: "user-env", value: "true" }],
      ["the user's 1 counts as true, as Pulumi reads it", "gcp", "1", { automatic: false, reason: "user-env", value: "1" }],
      ["the user's TRUE, any case", undefined, "TRUE", { automatic: false, reason: "user-env", value: "TRUE" }],
      ["the user's false wins over the local target", "local", "false", { automatic: true, reason: "user-env", value: "false" }],
      ["an empty value is unset", "local", "", { automatic: false, reason: "local-target", value: "true" }],
    ];
    for (const [title, target, own, expected] of cases) {
      it(title, () => assert.deepEqual(pluginAcquisition(target, own === undefined ? {} : { [ACQUISITION_VAR]: own }), expected));
    }
  });

  describe("the engine's environment per stack", () => {
    let dir: string;
    const toolchain = readToolchain();
    const none = { kind: "none" } as const;
    const write = (stack: string, text: string) => writeFileSync(path.join(dir, "stacks", `Pulumi.${stack}.yaml`), text);

    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), "sy-plugins-"));
      mkdirSync(path.join(dir, "stacks"));
      write("dev", "config:\n  switchyard:target: local\n");
      write("prod", "config:\n  aws:region: us-east-1\n  switchyard:target: aws\n");
      write("broken", "config: [\n");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("reads switchyard:target from the stack file, undefined when there is none to read", () => {
      assert.equal(stackTarget(dir, "dev"), "local");
      assert.equal(stackTarget(dir, "prod"), "aws");
      assert.equal(stackTarget(dir, "missing"), undefined);
      assert.equal(stackTarget(dir, "broken"), undefined);
      assert.equal(stackTarget(dir, ""), undefined);
    });

    it("engineEnvironment sets PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION from the stack's target", () => {
      const value = (stackName: string, env: NodeJS.ProcessEnv = {}) => engineEnvironment({ stackName, workDir: dir, env }, toolchain, none)[ACQUISITION_VAR];
      assert.equal(value("dev"), "true");
      assert.equal(value("prod"), "false");
      assert.equal(value("missing"), "false");
      assert.equal(value("prod", { [ACQUISITION_VAR]: "true" }), "true");
      assert.equal(value("dev", { [ACQUISITION_VAR]: "false" }), "false");
    });

    it("npm run pulumi: by --stack's target; without --stack Pulumi's default unless the user says", () => {
      const env = { PATH: process.env.PATH, PULUMI_CONFIG_PASSPHRASE: "unit-test" };
      assert.equal(plainEnvironment(["preview", "--stack", "local"], env)[ACQUISITION_VAR], "true");
      assert.equal(plainEnvironment(["preview", "--stack=prod"], env)[ACQUISITION_VAR], "false");
      assert.equal(plainEnvironment(["plugin", "ls"], env)[ACQUISITION_VAR], "false");
      assert.equal(plainEnvironment(["plugin", "ls"], { ...env, [ACQUISITION_VAR]: "true" })[ACQUISITION_VAR], "true");
    });
  });
});
