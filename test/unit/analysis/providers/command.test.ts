import assert from "node:assert/strict";
import { createCommandProvider } from "../../../../automation/analysis/providers/command";
import { context, specOf } from "./support";

/** `node -e <script> ...args`: real child processes, no shell. */
const node = (script: string, ...args: string[]) => [process.execPath, "-e", script, ...args];

describe("analysis provider: command (real child processes)", () => {
  const provider = createCommandProvider();
  const run = (argv: string[], extra: Record<string, unknown> = {}) => {
    const { provider: p = {}, ...rest } = extra;
    return provider.measure(specOf("command", { provider: { argv, ...(p as object) }, ...rest }), context({ slotEndpoints: { green: "http://127.0.0.1:9/" } }));
  };

  it("passes on exit code 0", async () => {
    const m = await run(node("process.exit(0)"));
    assert.equal(m.phase, "Successful");
    assert.equal(m.message, `${process.execPath}: exit code 0`);
  });

  it("fails on another exit code, quoting the last line of stderr", async () => {
    const m = await run(node("console.error('checking'); console.error('checkout returned 502'); process.exit(3)"));
    assert.equal(m.phase, "Failed");
    assert.equal(m.message, `${process.execPath}: exit code 3: checkout returned 502`);
  });

  it("passes the context in SWITCHYARD_* variables and the spec's env", async () => {
    const script = `
      const e = process.env;
      const ctx = JSON.parse(e.SWITCHYARD_CONTEXT);
      const ok = e.SWITCHYARD_CANARY_SLOT === "green" && e.SWITCHYARD_STABLE_SLOT === "blue" && e.SWITCHYARD_SERVICE === "hello"
        && e.SWITCHYARD_CANARY_WEIGHT === "20" && e.SWITCHYARD_CANARY_URL === "http://127.0.0.1:9/" && ctx.stack === "test"
        && !("signal" in ctx) && e.EXTRA === "yes";
      process.exit(ok ? 0 : 1);`;
    assert.equal((await run(node(script), { provider: { env: { EXTRA: "yes" } } })).phase, "Successful");
  });

  it("runs without a shell: arguments are never expanded", async () => {
    const m = await run(node("process.exit(process.argv[1] === '$(echo hi) *' ? 0 : 1)", "$(echo hi) *"));
    assert.equal(m.phase, "Successful");
  });

  describe("with valueFromStdout", () => {
    const value = (stdout: string, max = 1) => run(node(`process.stdout.write(${JSON.stringify(stdout)})`), { provider: { valueFromStdout: true }, successCondition: { max } });

    it("judges the number on the last line of stdout", async () => {
      const ok = await value("requests: 200\nerrors: 1\n0.005\n", 0.01);
      assert.equal(ok.phase, "Successful");
      assert.equal(ok.value, 0.005);
      const bad = await value("0.2\n", 0.01);
      assert.equal(bad.phase, "Failed");
      assert.match(bad.message!, /value 0\.2 > max 0\.01/);
    });

    it("treats empty stdout or NaN as no data", async () => {
      assert.equal((await value("")).phase, "Inconclusive");
      assert.equal((await value("NaN\n")).phase, "Inconclusive");
    });

    it("is an Error when the last line is not a number", async () => {
      const m = await value("all good\n");
      assert.equal(m.phase, "Error");
      assert.match(m.message!, /the last line of stdout is not a number: "all good"/);
    });
  });

  it("kills a command that runs past its timeout: Error", async () => {
    // A command that would run a minute: the test's own timeout fails it if the kill never comes.
    const m = await run(node("setTimeout(() => {}, 60000)"), { provider: { timeout: "300ms" } });
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /killed after 300 ms without finishing/);
  });

  it("is an Error when the program does not exist", async () => {
    const m = await run(["/nonexistent/switchyard-check"]);
    assert.equal(m.phase, "Error");
    assert.equal(m.message, "/nonexistent/switchyard-check: could not start: not found (ENOENT)");
  });

  it("kills the command when the run's signal aborts", async () => {
    const abort = new AbortController();
    const spec = specOf("command", { provider: { argv: node("setTimeout(() => {}, 60000)") } });
    const pending = provider.measure(spec, context({ signal: abort.signal }));
    setTimeout(() => abort.abort(), 200);
    const m = await pending;
    assert.equal(m.phase, "Error");
    assert.match(m.message!, /killed because the analysis run stopped/);
  });
});
