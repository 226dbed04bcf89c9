/**
 * The CI workflows cannot run here, so: actionlint (built from its Go module) checks both files,
 * and the exact scripts the workflows call run against a throwaway local project.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { setWeight } from "../../components/local/runtime-api";
import { PROJECT_ROOT } from "../../model/toolchain";
import { createTestProject, NODE, type TestProject } from "../support/project";

const WORKFLOWS = [".github/workflows/drift.yml", ".github/workflows/pull-request.yml", ".github/workflows/drill.yml"];
const SCRIPTS = path.join(PROJECT_ROOT, ".github", "workflows", "scripts");
const ACTIONLINT_MODULE = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12";
const TOOLS = path.join(PROJECT_ROOT, ".switchyard", "tools", "bin");

/** actionlint from the Go module proxy, built once into .switchyard/tools/bin. */
function actionlint(): string {
  const binary = path.join(TOOLS, "actionlint");
  if (existsSync(binary)) return binary;
  mkdirSync(TOOLS, { recursive: true });
  const built = spawnSync("go", ["install", ACTIONLINT_MODULE], { env: { ...process.env, GOBIN: TOOLS, GOFLAGS: "-buildvcs=false" }, encoding: "utf8", timeout: 600_000 });
  assert.equal(built.status, 0, `go install ${ACTIONLINT_MODULE} failed (Go >= 1.24 is needed):\n${built.stderr}`);
  return binary;
}

interface Step {
  readonly run?: string;
  readonly uses?: string;
}

function steps(file: string): Step[] {
  const doc = parse(readFileSync(path.join(PROJECT_ROOT, file), "utf8")) as { jobs: Record<string, { steps: Step[] }> };
  return Object.values(doc.jobs).flatMap((job) => job.steps);
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
  return spawnSync(command, args, { cwd: PROJECT_ROOT, env, encoding: "utf8", timeout: 180_000 });
}

describe("CI workflows", function () {
  this.timeout(600_000);

  it("pass actionlint", () => {
    const result = spawnSync(actionlint(), ["-no-color", ...WORKFLOWS], { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stdout.trim(), "");
  });

  it("call only scripts of .github/workflows/scripts, which exist, and run on schedule, by hand and on pull requests", () => {
    const runs = WORKFLOWS.flatMap(steps).flatMap((step) => (step.run ? [step.run] : []));
    const called = runs.flatMap((text) => [...text.matchAll(/\.github\/workflows\/scripts\/([\w.-]+)/g)].map((m) => m[1]!));
    assert.deepEqual([...new Set(called)].sort(), ["drift-check.sh", "list-stacks.mjs", "pr-comment.mjs", "preview-check.sh", "upsert-comment.sh"]);
    for (const script of called) assert.ok(existsSync(path.join(SCRIPTS, script)), script);
    const drift = parse(readFileSync(path.join(PROJECT_ROOT, WORKFLOWS[0]!), "utf8"));
    assert.ok(drift.on.schedule && "workflow_dispatch" in drift.on);
    assert.deepEqual(drift.jobs.drift.strategy.matrix.stack, "${{ fromJSON(needs.stacks.outputs.stacks) }}");
  });

  it("list-stacks.mjs lists every stack file, or those a change affects", () => {
    const all = run(NODE, [path.join(SCRIPTS, "list-stacks.mjs")], { ...process.env, SKIP: "local" });
    assert.equal(all.status, 0, all.stderr);
    const stacks = JSON.parse(all.stdout.replace(/^stacks=/, ""));
    assert.ok(stacks.includes("aws") && !stacks.includes("local"), all.stdout);
    const none = run(NODE, [path.join(SCRIPTS, "list-stacks.mjs"), "--changed", "HEAD"], process.env);
    assert.equal(none.stdout.trim(), "stacks=[]", "no change since HEAD affects no stack");
    const only = run(NODE, [path.join(SCRIPTS, "list-stacks.mjs")], { ...process.env, ONLY: "gcp" });
    assert.equal(only.stdout.trim(), 'stacks=["gcp"]');
    // The drill workflow's list: stacks with a standby region only (kubernetes has none).
    const standby = JSON.parse(run(NODE, [path.join(SCRIPTS, "list-stacks.mjs")], { ...process.env, SKIP: "local local-dr", WITH_STANDBY: "true" }).stdout.replace(/^stacks=/, ""));
    assert.ok(standby.includes("aws") && !standby.includes("kubernetes") && !standby.includes("local-dr"), JSON.stringify(standby));
  });

  it("upsert-comment.sh updates the stack's own comment, or creates one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-gh-"));
    try {
      // A stand-in for the GitHub CLI that logs its calls; LIST is what the comment search finds.
      writeFileSync(path.join(dir, "gh"), `#!/usr/bin/env bash\necho "$*" >> "${dir}/calls"\nif [ "$1 $2" = "api repos/o/r/issues/7/comments" ] && [ "$3" = "--paginate" ]; then printf "%s" "$LIST"; fi\n`);
      chmodSync(path.join(dir, "gh"), 0o755);
      writeFileSync(path.join(dir, "body.md"), "<!-- switchyard-pr:aws -->\nhello");
      const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, GITHUB_REPOSITORY: "o/r", GH_TOKEN: "x" };
      const calls = () => readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n").at(-1);
      assert.equal(run("bash", [path.join(SCRIPTS, "upsert-comment.sh"), "7", "aws", path.join(dir, "body.md")], { ...env, LIST: "991\n" }).status, 0);
      assert.equal(calls(), `api -X PATCH repos/o/r/issues/comments/991 -F body=@${dir}/body.md`);
      assert.equal(run("bash", [path.join(SCRIPTS, "upsert-comment.sh"), "7", "aws", path.join(dir, "body.md")], { ...env, LIST: "" }).status, 0);
      assert.equal(calls(), `api -X POST repos/o/r/issues/7/comments -F body=@${dir}/body.md`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("against a throwaway local project", () => {
    let project: TestProject;
    let out: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      project = await createTestProject("drift-ci", { plainPrograms: true });
      out = path.join(project.workDir, "reports");
      env = { ...project.env, GITHUB_STEP_SUMMARY: path.join(project.workDir, "summary.md"), CI: "true" };
      const deployed = await project.cli("deploy");
      assert.equal(deployed.code, 0, deployed.stderr);
    });
    after(async () => {
      await project?.cleanup();
    });

    const driftCheck = () => run("bash", [path.join(SCRIPTS, "drift-check.sh"), project.stackName, out, "--cwd", project.workDir], env);

    it("drift-check.sh exits 0 without drift and writes JSON, Markdown, JUnit and the step summary", () => {
      const result = driftCheck();
      assert.equal(result.status, 0, result.stderr);
      const report = JSON.parse(readFileSync(path.join(out, `drift-${project.stackName}.json`), "utf8"));
      assert.equal(report.summary.status, "clean");
      assert.match(readFileSync(path.join(out, `drift-${project.stackName}.xml`), "utf8"), /failures="0"/);
      assert.match(readFileSync(env.GITHUB_STEP_SUMMARY!, "utf8"), /switchyard-drift:drift-ci/);
    });

    it("drift-check.sh exits 2 on drift, the JUnit case of the drifted resource failed", async () => {
      const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
      await setWeight(outputs.trafficSocket!.value, outputs.trafficBackend!.value, "green", 25);
      const result = driftCheck();
      assert.equal(result.status, 2, result.stderr);
      assert.match(readFileSync(path.join(out, `drift-${project.stackName}.xml`), "utf8"), /<failure type="drift" message="1 drifted property: weights.green">/);
      await setWeight(outputs.trafficSocket!.value, outputs.trafficBackend!.value, "green", 0);
    });

    it("preview-check.sh and pr-comment.mjs make the pull-request comment", () => {
      const preview = run("bash", [path.join(SCRIPTS, "preview-check.sh"), project.stackName, out, "--cwd", project.workDir], env);
      assert.equal(preview.status, 0, preview.stderr);
      const printed = readFileSync(path.join(out, `preview-${project.stackName}.txt`), "utf8");
      assert.match(printed, /Policies:\n\s+✅ switchyard@v[\d.]+/, `the plain preview ran the policy pack, which passed:\n${printed}`);
      assert.equal(driftCheck().status, 0);
      const comment = execFileSync(NODE, [path.join(SCRIPTS, "pr-comment.mjs"), project.stackName, out], { encoding: "utf8" });
      assert.match(comment, /^<!-- switchyard-pr:drift-ci -->/);
      assert.match(comment, /### Preview: :white_check_mark: passed/);
      assert.match(comment, /Policies:\n\n```\n\s+✅ switchyard@v/);
      assert.match(comment, /### Switchyard drift: `drift-ci` — :white_check_mark: no drift/);
    });
  });
});
