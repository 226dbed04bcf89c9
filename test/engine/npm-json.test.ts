/**
 * `npm run <command> -- --json`, exactly the form the README shows: stdout must parse as one
 * JSON document (npm's script banner and set-up's lines must stay off it), and npm must pass the
 * command's exit code through.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { PROJECT_ROOT } from "../../model/toolchain";
import { createTestProject, type CliResult, type TestProject } from "../support/project";

function npmRun(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", script, "--", ...args], { cwd: PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    // `close`, not `exit`: only then has all of the output arrived (a JSON document cut short otherwise).
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function parseOne(result: CliResult, form: string): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch (error) {
    assert.fail(`${form}: stdout is not one JSON document (${(error as Error).message}):\n${result.stdout.slice(0, 400)}`);
  }
}

describe("engine: npm run <command> -- --json prints one JSON document", function () {
  this.timeout(240_000);
  let project: TestProject;

  before(async () => {
    project = await createTestProject("npm-json");
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
  });
  after(async () => {
    await project?.cleanup();
  });

  for (const [script, extra] of [
    ["status", []],
    ["releases", []],
    ["deploy", []],
    ["drift", ["--only", "cloud"]],
    ["metrics", []],
  ] as const) {
    it(`npm run ${script} -- --json`, async () => {
      const result = await npmRun(script, ["--stack", project.stackName, "--cwd", project.workDir, "--json", ...extra], project.env);
      const doc = parseOne(result, `npm run ${script}`);
      assert.equal(doc.error, undefined, `npm run ${script} failed: ${JSON.stringify(doc.error)}\n${result.stderr}`);
      assert.equal(result.code, 0, result.stderr);
    });
  }

  it("an error is one JSON document too, and npm passes the exit code through", async () => {
    const result = await npmRun("status", ["--stack", "no-such-stack", "--cwd", project.workDir, "--json"], project.env);
    const doc = parseOne(result, "npm run status (missing stack)");
    assert.ok((doc.error as { message?: string })?.message, "the document names the error");
    assert.notEqual(result.code, 0);
  });
});
