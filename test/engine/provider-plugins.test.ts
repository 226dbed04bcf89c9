/**
 * A cloud stack's provider plugin through the real engine, with no network: a copy of the
 * example prod stack (AWS) in a throwaway project, its own empty PULUMI_HOME, and plugin
 * downloads pointed at a closed loopback port (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES), so that the
 * engine really tries and fails the same way on a machine with internet access.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../model/toolchain";
import { createTestProject, runCli, runPlainPulumi, type TestProject } from "../support/project";
import { freePort } from "../support/ports";

const PROD = path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml");
const VERSION = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, "node_modules", "@pulumi", "aws", "package.json"), "utf8")) as { version: string }).version;
const INSTALL = `npm run pulumi -- plugin install resource aws ${VERSION}`;

describe("engine: provider plugins of a cloud stack (offline)", function () {
  this.timeout(600_000);
  let project: TestProject;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let closedPort: number;

  before(async () => {
    project = await createTestProject("plugins", { plainPrograms: true });
    // The prod stack file as users get it, under this project's stack name.
    writeFileSync(path.join(project.workDir, "stacks", `Pulumi.${project.stackName}.yaml`), readFileSync(PROD, "utf8"));
    home = mkdtempSync(path.join(tmpdir(), "sy-pulumi-home-"));
    closedPort = await freePort();
    env = { ...project.env, PULUMI_HOME: home, PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^.*$=http://127.0.0.1:${closedPort}` };
    delete env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION;
  });
  after(async () => {
    await project?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const preview = (extra: NodeJS.ProcessEnv = {}) => runCli(["preview", "--stack", project.stackName, "--cwd", project.workDir], { ...env, ...extra });

  /** Nothing was created and no plugin landed in PULUMI_HOME. */
  async function assertNothingChanged(): Promise<void> {
    const opened = await project.open();
    const state = await opened.run("export", (stack) => stack.exportStack());
    assert.deepEqual(state.deployment.resources ?? [], [], "the state holds no resource");
    const plugins = path.join(home, "plugins");
    assert.deepEqual(existsSync(plugins) ? readdirSync(plugins).filter((f) => f.startsWith("resource-aws")) : [], [], "no aws plugin was installed");
  }

  it("preview: the engine tries the download itself, and the error names plugin, version and the install command", async () => {
    const result = await preview();
    assert.equal(result.code, 1, result.stderr);
    const [message, fix] = [result.stderr.match(/^error: (.*)$/m)?.[1] ?? "", result.stderr.match(/^ {2}fix: (.*)$/m)?.[1]];
    assert.match(message, new RegExp(`needs the provider plugin pulumi-resource-aws v${VERSION.replace(/\./g, "\\.")}, which is not installed`), result.stderr);
    assert.match(message, new RegExp(`automatic download from http://127\\.0\\.0\\.1:${closedPort}/\\S+ was tried and failed: .*connection refused`), result.stderr);
    assert.equal(fix, INSTALL);
    await assertNothingChanged();
  });

  it("preview with the user's PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true: no download, and the error says why", async () => {
    const result = await preview({ PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`pulumi-resource-aws v${VERSION.replace(/\./g, "\\.")}, which is not installed; automatic download is off: your environment sets PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true`));
    assert.doesNotMatch(result.stdout + result.stderr, /error downloading provider/);
    assert.match(result.stderr, new RegExp(`^ {2}fix: ${INSTALL}$`, "m"));
    await assertNothingChanged();
  });

  it("npm run pulumi -- preview on the cloud stack downloads as plain Pulumi does", async () => {
    const result = await runPlainPulumi(["preview", "--stack", project.stackName, "--cwd", project.workDir, "--non-interactive"], env);
    const output = result.stdout + result.stderr;
    assert.notEqual(result.code, 0, output);
    assert.match(output, new RegExp(`Could not automatically download and install resource plugin 'pulumi-resource-aws' at version v${VERSION.replace(/\./g, "\\.")}`));
    assert.match(output, new RegExp(`127\\.0\\.0\\.1:${closedPort}`));
    await assertNothingChanged();
  });
});
