/**
 * Secrets stay secret, through the real CLI, engine and local target: a token planted as a Pulumi
 * secret in an analysis header, a command provider's env and a webhook URL is decrypted where it
 * is sent (the test server and the script check it arrives), and appears in no output of deploy,
 * status, drift, releases, rollback (text and --json), no config error, and no file under the
 * project: backend (state, history, backups, records, ledger, checkpoints), stack file, run dir.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { PROJECT_ROOT, readToolchain } from "../../model/toolchain";
import type { StackConfigInput } from "../../model/config/stack";
import { createTestProject, NODE, type CliResult, type TestProject } from "../support/project";

const SECRET = "sy-canary-secret-7f3a";
/** Typed in plaintext next to a typo: the config error must not echo it either. */
const TYPO_TOKEN = "sy-plain-typo-token-91c4";

/** The analysis script: passes only when the env var arrived decrypted; with the flag file, fails echoing it. */
const SCRIPT = `
const fs = require("node:fs");
const token = process.env.API_TOKEN || "";
const digest = require("node:crypto").createHash("sha256").update(token).digest("hex");
if (digest !== process.argv[1]) { console.error("API_TOKEN did not arrive decrypted"); process.exit(1); }
if (fs.existsSync(process.argv[2])) { console.error("rejected token " + token); process.exit(1); }
`;

/** Every regular file under `dir`. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

describe("engine: secrets stay secret", function () {
  this.timeout(600_000);
  let project: TestProject;
  let server: Server;
  let serverUrl: string;
  /** What the test server received: the Authorization header of each probe, the path of each webhook call. */
  const seen = { authorization: [] as string[], hooks: [] as string[] };
  /** Every stdout and stderr of every command run. */
  const outputs: { command: string; text: string }[] = [];
  let cipher: { header: string; env: string; url: string };
  let failFlag: string;

  const pulumi = (...args: string[]) =>
    promisify(execFile)(path.join(readToolchain().pulumiRoot, "bin", "pulumi"), [...args, "--stack", project.stackName, "--non-interactive"], {
      cwd: project.workDir,
      env: { ...project.env, PULUMI_HOME: path.join(PROJECT_ROOT, ".switchyard", "pulumi-home"), PULUMI_SKIP_UPDATE_CHECK: "true" },
    });

  async function cli(...args: string[]): Promise<CliResult> {
    const result = await project.cli(...args);
    outputs.push({ command: `${args.join(" ")} (stdout)`, text: result.stdout }, { command: `${args.join(" ")} (stderr)`, text: result.stderr });
    return result;
  }

  /** `pulumi config set --secret --path`, as the README tells users; returns the ciphertext the stack file got. */
  async function encrypt(key: string, value: string): Promise<string> {
    await pulumi("config", "set", "--secret", "--path", `switchyard:${key}`, value);
    const file = parse(readFileSync(path.join(project.workDir, "stacks", `Pulumi.${project.stackName}.yaml`), "utf8"));
    const [top, ...rest] = key.split(".");
    let node = file.config[`switchyard:${top}`];
    for (const part of rest.join(".").split(/\.|\[(\d+)\]/).filter(Boolean)) node = node[/^\d+$/.test(part) ? Number(part) : part];
    assert.equal(typeof node.secure, "string", `${key} is stored encrypted`);
    return node.secure;
  }

  function analysis(provider0Type = "http"): StackConfigInput["analysis"] {
    const digest = createHash("sha256").update(SECRET).digest("hex");
    return {
      metrics: [
        { name: "probe", provider: { type: provider0Type as "http", url: `${serverUrl}/check`, headers: { Authorization: { secure: cipher.header } } }, interval: "500ms", count: 1 },
        { name: "script", provider: { type: "command", argv: [NODE, "-e", SCRIPT, digest, failFlag], env: { API_TOKEN: { secure: cipher.env } } }, interval: "500ms", count: 1 },
        { name: "hook", provider: { type: "webhook", url: { secure: cipher.url } }, interval: "500ms", count: 1 },
      ],
    };
  }

  function release(active: "blue" | "green", versions: { blue: string; green: string }): Partial<StackConfigInput> {
    return {
      active,
      traffic: undefined,
      slots: { blue: { version: versions.blue }, green: { version: versions.green } },
      rollout: { strategy: "canary", steps: [50, 100], bake: "500ms" },
      analysis: analysis(),
    };
  }

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === "/check") {
        seen.authorization.push(String(req.headers.authorization));
        res.writeHead(req.headers.authorization === `Bearer ${SECRET}` ? 200 : 401).end();
      } else if (req.url?.startsWith("/hook/")) {
        seen.hooks.push(req.url);
        req.resume();
        res.writeHead(req.url === `/hook/${SECRET}` ? 200 : 404).end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    project = await createTestProject("secrets");
    failFlag = path.join(project.runDir, "fail-analysis");
    project.writeConfig({ active: "blue", traffic: undefined, slots: { blue: { version: "1.0.0" }, green: { version: "1.0.0" } } });
    const first = await cli("deploy", "--json");
    assert.equal(first.code, 0, first.stderr);
    cipher = {
      header: await encrypt("analysis.metrics[0].provider.headers.Authorization", `Bearer ${SECRET}`),
      env: await encrypt("analysis.metrics[1].provider.env.API_TOKEN", SECRET),
      url: await encrypt("analysis.metrics[2].provider.url", `${serverUrl}/hook/${SECRET}`),
    };
  });

  after(async () => {
    await project?.cleanup();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("deploys a release whose analysis sends the decrypted header, env value and webhook URL", async () => {
    project.writeConfig(release("green", { blue: "1.0.0", green: "1.1.0" }));
    const result = await cli("deploy", "--json");
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.summary.status, "success");
    for (const step of report.steps) assert.equal(step.analysis.phase, "Successful", JSON.stringify(step.analysis));
    assert.ok(seen.authorization.length >= 2 && seen.authorization.every((h) => h === `Bearer ${SECRET}`), "the probe sent the decrypted header");
    assert.ok(seen.hooks.length >= 2 && seen.hooks.every((p) => p === `/hook/${SECRET}`), "the webhook called the decrypted URL");
    assert.doesNotMatch(result.stderr, /warning: switchyard:/, "encrypted credentials need no warning");
  });

  it("status, drift and releases, in text and JSON", async () => {
    for (const args of [["status"], ["status", "--json"], ["drift"], ["drift", "--json"], ["releases"], ["releases", "--json"]]) {
      const result = await cli(...args);
      assert.ok(result.code === 0 || (args[0] === "drift" && result.code === 2), `${args.join(" ")} exited ${result.code}: ${result.stderr}`);
      if (args.includes("--json")) JSON.parse(result.stdout);
    }
  });

  it("rolls back a release whose analysis script echoes the token; the measurement says [secret]", async () => {
    writeFileSync(failFlag, "");
    try {
      project.writeConfig(release("blue", { blue: "1.2.0", green: "1.1.0" }));
      const text = await cli("deploy");
      assert.equal(text.code, 3, text.stderr);
      const record = await project.rolloutRecord();
      assert.equal(record?.status, "rolled-back");
      const messages = record!.steps.flatMap((step) => step?.analysis?.metrics.flatMap((m) => m.measurements.map((x) => x.message ?? "")) ?? []);
      assert.ok(messages.some((m) => /rejected token \[secret\]/.test(m)), `the script's words are kept, its secret is not: ${JSON.stringify(messages)}`);
      outputs.push({ command: "rollout record", text: JSON.stringify(record) });
    } finally {
      rmSync(failFlag, { force: true });
    }
  });

  it("rollback re-applies the previous release", async () => {
    const result = await cli("rollback", "--json");
    assert.equal(result.code, 0, result.stderr);
    JSON.parse(result.stdout);
    const status = await cli("status", "--json");
    assert.equal(status.code, 0, status.stderr);
  });

  it("a provider typo names the field and echoes the provider without its credentials, in text and JSON", async () => {
    const config = release("green", { blue: "1.0.0", green: "1.1.0" });
    const metrics = analysis("htp")!.metrics;
    (metrics[0]!.provider as { headers: Record<string, unknown> }).headers["X-Api-Key"] = TYPO_TOKEN;
    project.writeConfig({ ...config, analysis: { metrics } });
    try {
      for (const json of [false, true]) {
        const result = await cli("deploy", ...(json ? ["--json"] : []));
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /switchyard:analysis\.metrics\.0\.provider\.type: type must be one of: http, haproxy/);
        assert.match(result.stderr, /\[secret\]/, "the echo is there, redacted");
        if (json) assert.equal(JSON.parse(result.stdout).error.type, "ConfigError");
        for (const text of [result.stdout, result.stderr]) {
          assert.ok(!text.includes(TYPO_TOKEN), `a plaintext header leaked:\n${text}`);
          assert.ok(!text.includes(cipher.header), `the ciphertext was echoed:\n${text}`);
        }
      }
    } finally {
      project.writeConfig(release("green", { blue: "1.0.0", green: "1.1.0" }));
    }
  });

  it("warns about a plaintext credential in a stack file other than local's, naming the key and the command", async () => {
    const config = release("green", { blue: "1.0.0", green: "1.1.0" });
    const metrics = analysis()!.metrics;
    (metrics[0]!.provider as { headers: Record<string, unknown> }).headers["X-Api-Key"] = "a-plaintext-key";
    project.writeConfig({ ...config, analysis: { metrics } });
    try {
      const result = await project.cli("status", "--json");
      assert.equal(result.code, 0, result.stderr);
      JSON.parse(result.stdout);
      assert.match(result.stderr, /warning: switchyard:analysis\.metrics\[0\]\.provider\.headers\.X-Api-Key in stacks\/Pulumi\.secrets\.yaml/);
      assert.match(result.stderr, /pulumi config set --secret --path 'switchyard:analysis\.metrics\[0\]\.provider\.headers\.X-Api-Key' --stack secrets/);
      assert.ok(!result.stderr.includes("a-plaintext-key"), "the warning does not repeat the value");
    } finally {
      project.writeConfig(release("green", { blue: "1.0.0", green: "1.1.0" }));
    }
  });

  it("no output and no file of the project, its backend or its run dir contains the secret", async () => {
    assert.ok(outputs.length >= 16, `${outputs.length} outputs collected`);
    for (const { command, text } of outputs) {
      assert.ok(!text.includes(SECRET), `${command} printed the secret:\n${text.slice(0, 2000)}`);
      assert.ok(!text.includes(TYPO_TOKEN), `${command} printed the typo token`);
    }
    const files = [...filesUnder(project.workDir), ...filesUnder(project.runDir)];
    const backend = filesUnder(path.join(project.workDir, "state"));
    assert.ok(backend.some((f) => f.includes(`${path.sep}history${path.sep}`)), "the engine's history is among the files searched");
    assert.ok(backend.some((f) => /checkpoint-/.test(f)), "Switchyard's checkpoints are among the files searched");
    const leaking = files.filter((file) => readFileSync(file).includes(SECRET));
    assert.deepEqual(leaking, [], `files holding the secret in plaintext (of ${files.length} searched)`);
  });
});
