/**
 * The project as a plain Pulumi project: `npm run pulumi -- <args>` runs the CLI with the
 * project's backend and secrets, the program runs under a Node.js language host (Switchyard's own
 * here; see bootstrap/ensure-language-host.mjs), and the driver and the plain CLI agree on the
 * same stack. Real engine, real HAProxy and sample services on loopback.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, readToolchain } from "../../model/toolchain";
import { createTestProject, NODE, runPlainPulumi, type CliResult, type StateResource, type TestProject } from "../support/project";

/** The folder users pass as `--policy-pack policy` from the project root (tests run in their own folder). */
const POLICY_PACK = path.join(PROJECT_ROOT, "policy");

/** `npm run pulumi -- <args>` on the test project's stack, in its folder. */
function plain(project: TestProject, ...args: string[]): Promise<CliResult> {
  return runPlainPulumi([...args, "--stack", project.stackName, "--cwd", project.workDir, "--non-interactive"], project.env);
}

interface PreviewStep {
  op: string;
  urn: string;
}

function changes(previewJson: string): PreviewStep[] {
  const preview = JSON.parse(previewJson) as { steps?: PreviewStep[] };
  return (preview.steps ?? []).filter((step) => step.op !== "same");
}

/** Inputs that are another resource's output for this run: the HAProxy process started then. */
const PER_RUN_INPUTS = new Set(["instancePid"]);

/** URNs and inputs of what a stack holds, per-run values aside. */
async function resourcesOf(project: TestProject): Promise<Record<string, unknown>> {
  const exported = await plain(project, "stack", "export");
  assert.equal(exported.code, 0, exported.stderr);
  const resources = (JSON.parse(exported.stdout).deployment.resources ?? []) as (StateResource & { inputs?: Record<string, unknown> })[];
  const stable = (inputs: Record<string, unknown>) => Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, PER_RUN_INPUTS.has(key) ? "<per run>" : value]));
  return Object.fromEntries(resources.filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, stable(r.inputs ?? {})]));
}

describe("engine: plain Pulumi commands on the project (npm run pulumi)", function () {
  this.timeout(600_000);
  let project: TestProject;

  before(async () => {
    project = await createTestProject("plain", { plainPrograms: true });
  });
  after(async () => {
    await project?.cleanup();
  });

  it("programs run under the language host set-up recorded, which reports the program's plugins and dependencies", async () => {
    const host = readToolchain().languageHost;
    const about = await plain(project, "about", "--json");
    assert.equal(about.code, 0, about.stderr);
    const report = JSON.parse(about.stdout) as { runtime: Record<string, string>; plugins: { name: string; kind: string; version: string }[]; dependencies: { name: string }[] };
    if (host.kind === "switchyard") assert.deepEqual([report.runtime.host, report.runtime.hostVersion], ["switchyard", host.version]);
    else assert.equal(host.kind, "pulumi", `no language host: ${JSON.stringify(host)}`);
    // The provider plugins package.json's Pulumi packages need, at the versions pinned there.
    const pinned = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).dependencies as Record<string, string>;
    const aws = report.plugins.find((plugin) => plugin.kind === "resource" && plugin.name === "aws");
    assert.equal(aws?.version, pinned["@pulumi/aws"]);
    assert.ok(report.dependencies.some((dep) => dep.name === "@pulumi/pulumi"), JSON.stringify(report.dependencies));
  });

  it("`pulumi preview` from Pulumi.yaml shows no changes after `switchyard deploy`", async () => {
    assert.equal((await project.cli("deploy")).code, 0);
    const preview = await plain(project, "preview", "--json", "--expect-no-changes");
    assert.equal(preview.code, 0, preview.stderr + preview.stdout.slice(-2000));
    assert.deepEqual(changes(preview.stdout), []);
  });

  it("`pulumi up` on a fresh stack creates the same resources, with the same inputs, as `switchyard deploy`", async () => {
    const byDriver = await resourcesOf(project);
    assert.equal((await project.cli("destroy", "--yes")).code, 0);
    assert.deepEqual(await resourcesOf(project), {}, "destroyed");
    // A fresh stack of the same name, from the same stack file.
    assert.equal((await plain(project, "stack", "rm", "--yes", "--preserve-config")).code, 0);
    assert.equal((await plain(project, "stack", "init")).code, 0);

    const up = await plain(project, "up", "--yes", "--skip-preview");
    assert.equal(up.code, 0, up.stderr + up.stdout.slice(-2000));
    const byPlainUp = await resourcesOf(project);
    assert.deepEqual(Object.keys(byPlainUp).sort(), Object.keys(byDriver).sort());
    assert.deepEqual(byPlainUp, byDriver);
    const response = await fetch(`http://127.0.0.1:${project.ports.listen}/`);
    assert.equal(response.status, 200, "the service answers after a plain up");
  });

  it("`switchyard drift` after a plain `pulumi up` finds none (exit 0)", async () => {
    const drift = await project.cli("drift", "--json");
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
  });

  it("`switchyard drift` asks the code question as plain `pulumi preview` does (the program file, through the language host), and sees a change", async () => {
    project.writeConfig({ slots: { blue: { version: "1.0.0" }, green: { version: "1.2.0" } } });
    const drift = await project.cli("drift");
    assert.equal(drift.code, 0, drift.stdout + drift.stderr);
    assert.match(drift.stdout + drift.stderr, /comparing code and config with state \(preview of \S*stacks\/main\.ts through the language host\)/);
    const json = await project.cli("drift", "--json");
    const report = JSON.parse(json.stdout) as { items: { class: string; resource: string; property?: string; declared_value?: unknown }[] };
    assert.deepEqual(report.items.map((i) => [i.class, i.resource, i.property, i.declared_value]), [["pending-change", "hello-green", "version", "1.2.0"]]);
    project.writeConfig();
  });

  it("during a rollout a plain preview says what of the driver's status it leaves out, and plans the file's steady state", async () => {
    project.writeConfig({ active: "blue", rollout: { strategy: "canary", steps: [50, 100], bake: "1s" } });
    assert.equal((await project.cli("deploy")).code, 0);
    project.writeConfig({ active: "green", rollout: { strategy: "canary", steps: [50, 100], bake: "120s" } });
    const driver = project.cliInBackground("deploy");
    try {
      await project.waitForRecord((r) => r.steps[0]?.phase === "baking");
      const preview = await plain(project, "preview", "--json");
      assert.equal(preview.code, 0, preview.stderr);
      assert.match(preview.stderr, /the driver's status for stack "plain" is not applied by plain pulumi commands: traffic in flight: blue 50% \/ green 50%/);
      const weightsUpdate = changes(preview.stdout).find((step) => step.urn.endsWith("HaproxyWeights::hello-traffic-weights"));
      assert.equal(weightsUpdate?.op, "update", "the plain plan moves the traffic in flight to `active`");
      assert.deepEqual(await project.liveWeights(), { blue: 50, green: 50 }, "a plain preview changes nothing");
      // The driver's code question, from the same program file, does get the status: nothing to report.
      const drift = await project.cli("drift", "--json");
      assert.equal(drift.code, 0, drift.stdout + drift.stderr);
      const items = (JSON.parse(drift.stdout) as { items: { class: string }[] }).items;
      assert.deepEqual(items.filter((i) => i.class !== "rollout"), [], JSON.stringify(items));
    } finally {
      assert.equal((await project.cli("abort")).code, 3);
      await driver.done;
    }
  });
});

describe("engine: `pulumi preview --policy-pack policy`, the standard CrossGuard form", function () {
  this.timeout(600_000);
  let project: TestProject;
  /** A production plan whose first step sends half the traffic: rollout-first-step (mandatory) forbids it. */
  const production = (steps: number[]) =>
    project.writeConfig({
      environment: "production",
      active: "blue",
      rollout: { strategy: "canary", steps, bake: "60s" },
      analysis: { metrics: [{ name: "smoke", provider: { type: "http", path: "/" }, interval: "2s", count: 3 }] },
    });

  before(async () => {
    project = await createTestProject("plainpolicy", { plainPrograms: true });
    const init = await plain(project, "stack", "init");
    assert.equal(init.code, 0, init.stderr);
  });
  after(async () => {
    await project?.cleanup();
  });

  it("a mandatory violation fails the preview, naming the rule", async () => {
    production([50, 100]);
    const preview = await plain(project, "preview", "--policy-pack", POLICY_PACK);
    assert.notEqual(preview.code, 0, "a mandatory violation fails the preview");
    assert.match(preview.stdout, /\[mandatory\].*rollout-first-step/);
    assert.match(preview.stdout, /at most 10% is allowed/);
  });

  it("the pull-request workflow's scripts run the same standard preview and comment that policy blocked it, with the rule", () => {
    const scripts = path.join(PROJECT_ROOT, ".github", "workflows", "scripts");
    const out = path.join(project.workDir, "reports");
    const check = spawnSync("bash", [path.join(scripts, "preview-check.sh"), project.stackName, out, "--cwd", project.workDir], { cwd: PROJECT_ROOT, env: project.env, encoding: "utf8", timeout: 180_000 });
    assert.notEqual(check.status, 0, "the workflow step fails");
    const comment = spawnSync(NODE, [path.join(scripts, "pr-comment.mjs"), project.stackName, out], { encoding: "utf8" }).stdout;
    assert.match(comment, /### Preview: :no_entry: blocked by policy/);
    assert.match(comment, /\[mandatory\].*rollout-first-step/);
  });

  it("fixed, the same preview passes", async () => {
    production([10, 50, 100]);
    const preview = await plain(project, "preview", "--policy-pack", POLICY_PACK);
    assert.equal(preview.code, 0, preview.stdout.slice(-3000) + preview.stderr);
    assert.doesNotMatch(preview.stdout, /\[mandatory\]/);
  });

  it("--policy-pack-config applies: a limit raised for the stack, or a rule made advisory, lets the plan through", async () => {
    production([50, 100]);
    const raised = path.join(project.workDir, "raised.json");
    writeFileSync(raised, JSON.stringify({ "rollout-first-step": { maxFirstStepPercent: 50 } }));
    const passed = await plain(project, "preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", raised);
    assert.equal(passed.code, 0, passed.stdout.slice(-3000) + passed.stderr);
    assert.doesNotMatch(passed.stdout, /rollout-first-step/);

    const advisory = path.join(project.workDir, "advisory.json");
    writeFileSync(advisory, JSON.stringify({ "rollout-first-step": "advisory" }));
    const warned = await plain(project, "preview", "--policy-pack", POLICY_PACK, "--policy-pack-config", advisory);
    assert.equal(warned.code, 0, warned.stdout.slice(-3000) + warned.stderr);
    assert.match(warned.stdout, /\[advisory\].*rollout-first-step/);
  });

  it("bad stack config fails a plain preview with the field and the fix, without a stack trace", async () => {
    production([10, 50, 250]);
    const preview = await plain(project, "preview");
    assert.notEqual(preview.code, 0);
    assert.match(preview.stdout, /error: stack "plainpolicy" config: .*\n\s+- switchyard:rollout\.steps\.2: must be 100 or less \(got 250\)\n\s+fix: /);
    assert.doesNotMatch(preview.stdout + preview.stderr, /^\s+at .*\(.*:\d+:\d+\)$/m, "no stack trace");
  });
});
