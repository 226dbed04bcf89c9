/**
 * Bad input through the real CLI: a clear error naming the field and the fix, exit 1, and
 * nothing changed (state export and live weights identical before and after).
 */
import assert from "node:assert/strict";
import { httpGet } from "../../components/local/http-probe";
import { readServers } from "../../components/local/runtime-api";
import { createTestProject, runCli, type TestProject } from "../support/project";

describe("engine: bad input changes nothing", function () {
  this.timeout(180_000);
  let project: TestProject;
  let socket: string;
  let backend: string;

  before(async () => {
    project = await createTestProject("engine-input");
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr);
    const outputs = await (await project.open()).run("outputs", (s) => s.outputs());
    socket = outputs.trafficSocket!.value;
    backend = outputs.trafficBackend!.value;
  });
  after(async () => {
    await project?.cleanup();
  });

  async function snapshot() {
    const opened = await project.open();
    const state = await opened.run("export", (s) => s.exportStack());
    const history = await opened.run("history", (s) => s.history());
    return { resources: JSON.stringify(state.deployment.resources), updates: history.length, servers: await readServers(socket, backend, ["blue", "green"]) };
  }

  it("rejects weights that do not add up to 100 before touching the engine", async () => {
    const before = await snapshot();
    project.writeConfig({ traffic: { blue: 90, green: 20 } });
    const result = await project.cli("deploy");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /switchyard:traffic: blue \+ green must add up to 100/);
    assert.match(result.stderr, /fix: /);
    assert.deepEqual(await snapshot(), before);
    assert.equal((await httpGet(`http://127.0.0.1:${project.ports.listen}/`))?.status, 200, "traffic still flows");
    project.writeConfig();
  });

  it("with --json, prints one JSON document naming the error", async () => {
    project.writeConfig({ service: "Not A Label" });
    const result = await project.cli("deploy", "--json");
    assert.equal(result.code, 1);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.error.type, "ConfigError");
    assert.match(doc.error.message, /switchyard:service/);
    project.writeConfig();
  });

  it("refuses a stack name that is no stack name", async () => {
    const result = await runCli(["deploy", "--stack", "no such/stack"], project.env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--stack: must be a stack name/);
  });

  it("requires --stack", async () => {
    const result = await runCli(["status"], project.env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /required option '-s, --stack <name>'/);
  });

  it("stops a shared stack without a passphrase, naming the variable to set", async () => {
    const env = { ...project.env };
    delete env.PULUMI_CONFIG_PASSPHRASE;
    const result = await runCli(["deploy", "--stack", project.stackName, "--cwd", project.workDir], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PULUMI_CONFIG_PASSPHRASE is not set/);
    assert.match(result.stderr, /fix: export PULUMI_CONFIG_PASSPHRASE/);
  });

  it("status of a stack that was never deployed says to deploy it", async () => {
    const result = await runCli(["status", "--stack", "never-deployed", "--cwd", project.workDir], project.env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /stack "never-deployed" does not exist/);
  });

  it("status reports what runs", async () => {
    const result = await project.cli("status", "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.environments.map((e: { traffic_percentage: number }) => e.traffic_percentage), [100, 0]);
    assert.equal(report.environments[1].version, "1.1.0");
    assert.match(report.summary.message, /last update succeeded/);
  });

  it("preview shows a pending weight change without applying it", async () => {
    project.writeConfig({ traffic: { blue: 75, green: 25 } });
    const before = await snapshot();
    const result = await project.cli("preview", "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.changes.update, 1, JSON.stringify(report.changes));
    assert.deepEqual(await snapshot(), before);
    project.writeConfig();
  });
});

describe("engine: policy on preview", function () {
  this.timeout(180_000);
  let project: TestProject;
  before(async () => {
    project = await createTestProject("engine-policy");
  });
  after(async () => {
    await project?.cleanup();
  });

  it("blocks a production rollout plan with a 50% first step and no analysis, then passes when fixed", async () => {
    project.writeConfig({ environment: "production", rollout: { strategy: "canary", steps: [50, 100], bake: "1m" } });
    const blocked = await project.cli("preview", "--policy", "--json");
    assert.equal(blocked.code, 1, blocked.stderr);
    const report = JSON.parse(blocked.stdout);
    assert.equal(report.policy.blocked, true);
    const rules = report.policy.findings.map((f: { rule: string }) => f.rule).sort();
    assert.ok(rules.includes("rollout-first-step"), JSON.stringify(rules));
    assert.ok(rules.includes("rollout-analysis-required"), JSON.stringify(rules));

    project.writeConfig({
      environment: "production",
      rollout: { strategy: "canary", steps: [10, 50, 100], bake: "1m" },
      analysis: { metrics: [{ name: "probe", provider: { type: "http" } }] },
    });
    const passed = await project.cli("policy", "--json");
    assert.equal(passed.code, 0, passed.stderr);
    assert.equal(JSON.parse(passed.stdout).policy.blocked, false);
  });
});
