/**
 * `status` checks what serves and `deploy` never reports success over a broken service, on the
 * local target with real HAProxy and workload processes, broken the way an operator (or a crash)
 * breaks them: processes killed, a server re-pointed through HAProxy's Runtime API.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import * as path from "node:path";
import { runtimeCommand } from "../../components/local/runtime-api";
import { getAnswer, probeEndpoint } from "../../automation/health/probes";
import type { StackConfigInput } from "../../model/config/stack";
import type { RolloutRecord } from "../../automation/rollout/record";
import { freePorts } from "../support/ports";
import { createTestProject, type CliResult, type TestProject } from "../support/project";

interface StatusJson {
  summary: { status: string; message?: string };
  health: { verdict: string; problems: { level: string; subject: string; message: string }[]; notes: { subject: string; message: string }[]; live_weights?: { blue: number; green: number } };
  next_steps: string[];
}

const problemsOf = (report: StatusJson) => report.health.problems.map((p) => `${p.subject}: ${p.message}`);

describe("e2e: status checks what serves; deploy never says success over a broken service", function () {
  this.timeout(400_000);
  let project: TestProject;

  async function outputs() {
    return (await project.open()).run("outputs", (s) => s.outputs());
  }

  /** Pids of the local processes as state records them. */
  async function pids(): Promise<{ haproxy: number; blue: number; green: number }> {
    const state = await (await project.open()).run("export", (s) => s.exportStack());
    const resources = state.deployment.resources as { type: string; outputs?: { pid?: number; slot?: string } }[];
    const pidOf = (type: string, slot?: string) => resources.find((r) => r.type === type && (!slot || r.outputs?.slot === slot))!.outputs!.pid!;
    return {
      haproxy: pidOf("pulumi-nodejs:dynamic/local:HaproxyInstance"),
      blue: pidOf("pulumi-nodejs:dynamic/local:Workload", "blue"),
      green: pidOf("pulumi-nodejs:dynamic/local:Workload", "green"),
    };
  }

  async function killAndWait(pid: number) {
    process.kill(pid, "SIGKILL");
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`pid ${pid} did not exit`);
  }

  async function statusJson(): Promise<{ result: CliResult; report: StatusJson }> {
    const result = await project.cli("status", "--json");
    return { result, report: JSON.parse(result.stdout) as StatusJson };
  }

  const endpoint = () => `http://127.0.0.1:${project.ports.listen}/`;

  /** What a user sees at the endpoint now: good answers and the slots that gave them. */
  async function userView() {
    const answers = await probeEndpoint(endpoint(), 4);
    return { good: answers.filter((a) => a.status === 200).length, slots: [...new Set(answers.map((a) => a.slot))] };
  }

  /** A deploy after an out-of-band break: success only when the endpoint really serves from blue. */
  async function deployOverBreak(): Promise<CliResult> {
    const result = await project.cli("deploy", "--json");
    const view = await userView();
    if (result.code === 0) {
      assert.deepEqual(view, { good: 4, slots: ["blue"] }, `deploy said ${JSON.parse(result.stdout).summary.status}, yet the endpoint does not serve from blue`);
      assert.equal(JSON.parse(result.stdout).health.verdict, "healthy");
    } else {
      assert.ok(view.good < 4 || view.slots.join() !== "blue", `deploy failed (${result.code}) while the endpoint serves from blue`);
    }
    return result;
  }

  before(async () => {
    project = await createTestProject("e2e-health");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0" } } });
    const first = await project.cli("deploy");
    assert.equal(first.code, 0, first.stderr);
  });
  after(async () => {
    await project?.cleanup();
  });

  it("a healthy stack: exit 0, `healthy` in text and in --json", async () => {
    const { result, report } = await statusJson();
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(report.health.verdict, "healthy");
    assert.deepEqual(report.health.problems, []);
    const text = await project.cli("status");
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {2}health: healthy \(weights on the data plane: blue 100% \/ green 0%\)$/m);
    assert.deepEqual(report.health.live_weights, { blue: 100, green: 0 }, "status --json carries the weights HAProxy serves");
  });

  it("the idle slot's workload killed: degraded (users are served, a rollback to it would fail), exit 5; deploy restarts it", async () => {
    await killAndWait((await pids()).green);
    const { result, report } = await statusJson();
    assert.equal(result.code, 5, result.stderr);
    assert.equal(report.health.verdict, "degraded");
    const problems = problemsOf(report);
    assert.ok(problems.some((p) => /^green: workload green \(pid \d+\) is not running/.test(p)), problems.join("\n"));
    assert.deepEqual(await userView(), { good: 4, slots: ["blue"] }, "users are still served");
    const text = await project.cli("status");
    assert.equal(text.code, 5);
    assert.match(text.stdout, /health: degraded/);
    assert.match(text.stdout, /green: workload green \(pid \d+\) is not running/);

    const repaired = await deployOverBreak();
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.equal((await statusJson()).result.code, 0);
  });

  it("the serving workload killed: down, exit 5, the cause named; deploy repairs it or fails saying why", async () => {
    await killAndWait((await pids()).blue);
    const { result, report } = await statusJson();
    assert.equal(result.code, 5, result.stderr);
    assert.equal(report.health.verdict, "down");
    const problems = problemsOf(report);
    assert.match(problems[0]!, /^endpoint: http:\/\/127\.0\.0\.1:\d+\/ gave no good answer: \d× HTTP 503/);
    assert.ok(problems.some((p) => /^blue: workload blue \(pid \d+\) is not running/.test(p)), problems.join("\n"));

    const repaired = await deployOverBreak();
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.equal((await statusJson()).result.code, 0);
  });

  it("HAProxy killed (and both workloads): down, exit 5, never `success`; deploy brings it back", async () => {
    const { haproxy, blue, green } = await pids();
    await Promise.all([killAndWait(haproxy), killAndWait(blue), killAndWait(green)]);
    const { result, report } = await statusJson();
    assert.equal(result.code, 5, result.stderr);
    assert.equal(report.health.verdict, "down");
    const problems = problemsOf(report);
    assert.match(problems[0]!, /^endpoint: .* gave no good answer: \d× no answer \(ECONNREFUSED\)/);
    for (const pattern of [/^haproxy: HAProxy \(pid \d+\) is not running/, /^haproxy: HAProxy's runtime API cannot be read/, /^blue: workload blue/, /^green: workload green/]) {
      assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in ${problems.join("\n")}`);
    }
    assert.ok(report.next_steps.some((s) => /switchyard deploy --stack/.test(s)));

    const repaired = await deployOverBreak();
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
    assert.equal((await statusJson()).result.code, 0);
  });

  it("the serving server re-pointed to an unused port through the Runtime API: down; deploy never reports success while every request fails", async () => {
    const out = await outputs();
    const socket = out.trafficSocket!.value as string;
    const backend = out.trafficBackend!.value as string;
    const [unused] = await freePorts(1);
    assert.match(await runtimeCommand(socket, `set server ${backend}/blue addr 127.0.0.1 port ${unused}`), /port changed from '\d+' to '\d+'/);
    try {
      // HAProxy's checks take the server DOWN within a few seconds; until then requests fail too.
      const view = await userView();
      assert.equal(view.good, 0, "every request fails, as in the issue");
      const { result, report } = await statusJson();
      assert.equal(result.code, 5, result.stderr);
      assert.equal(report.health.verdict, "down");
      assert.match(problemsOf(report)[0]!, /^endpoint: .* gave no good answer: \d× HTTP 503/);

      const deployed = await deployOverBreak();
      if (deployed.code !== 0) {
        assert.equal(deployed.code, 5, deployed.stderr);
        const report = JSON.parse(deployed.stdout);
        assert.equal(report.summary.status, "failed");
        assert.match(report.summary.message, /but the service is down: endpoint: .* gave no good answer/);
        assert.equal(report.health.verdict, "down");
      }
    } finally {
      await runtimeCommand(socket, `set server ${backend}/blue addr 127.0.0.1 port ${project.ports.blue}`);
    }
  });

  it("a stale engine lock is mentioned with the command that clears it; the verdict stays what serves", async () => {
    // The lock an engine that died leaves in a file:// backend: its pid no longer runs.
    const dir = path.join(project.env.PULUMI_BACKEND_URL!.replace(/^file:\/\//, ""), ".pulumi", "locks", "organization", "switchyard", project.stackName);
    mkdirSync(dir, { recursive: true });
    const dead = spawnSync("true").pid!;
    writeFileSync(path.join(dir, "0b6a4f1e-dead-4c4c-9d9d-000000000001.json"), JSON.stringify({ pid: dead, username: userInfo().username, hostname: hostname(), timestamp: new Date().toISOString() }));
    const { result, report } = await statusJson();
    assert.equal(result.code, 0, result.stdout);
    assert.equal(report.health.verdict, "healthy");
    const notes = report.health.notes.map((n) => `${n.subject}: ${n.message}`);
    assert.ok(notes.some((n) => new RegExp(`^engine: a stale engine lock is left by .+ pid ${dead}, which no longer runs`).test(n)), notes.join("\n"));
    // The engine honours that lock, and recover clears it.
    const recovered = await project.cli("recover", "--json");
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.ok((JSON.parse(recovered.stdout).actions as string[]).some((a) => a.includes(`pid ${dead}, which no longer runs`)));
    const after = await statusJson();
    assert.ok(!after.report.health.notes.some((n) => /lock/.test(n.message)), JSON.stringify(after.report.health.notes));
  });

  it("a paused rollout: status names resume, promote and abort, never `deploy resumes it`", async () => {
    const release: Partial<StackConfigInput> = {
      active: "green",
      traffic: undefined,
      slots: { blue: { version: "1.0.0" }, green: { version: "2.0.0" } },
      rollout: { strategy: "canary", steps: [20, 100], bake: "30s" },
    };
    project.writeConfig(release);
    const driver = project.cliInBackground("deploy", "--json");
    await project.waitForRecord((r: RolloutRecord) => r.stepIndex === 0 && r.steps[0]?.phase === "baking" && r.owner !== undefined);
    const paused = await project.cli("pause");
    assert.equal(paused.code, 0, paused.stderr);
    assert.equal((await driver.done).code, 4);

    const { result, report } = await statusJson();
    assert.equal(report.summary.status, "paused");
    assert.match(report.summary.message!, /paused at step 1\/2.*resume, promote or abort it/);
    assert.doesNotMatch(report.summary.message!, /deploy resumes it/);
    assert.deepEqual(report.next_steps, ["resume", "promote", "abort"].map((a) => `switchyard ${a} --stack ${project.stackName}`));
    // Held at 80/20, both slots answer as state records: a pause is not a fault.
    assert.equal(report.health.verdict, "healthy", problemsOf(report).join("\n"));
    assert.equal(result.code, 0);

    const aborted = await project.cli("abort");
    assert.equal(aborted.code, 3, aborted.stderr);
    assert.equal((await getAnswer(endpoint())).slot, "blue");
  });
});
