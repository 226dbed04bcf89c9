import assert from "node:assert/strict";
import { engineDetail } from "../../../automation/engine-detail";

/** An Automation API CommandError's message for a failed `drift --fix revert`: the cause sits above 30 lines of outputs. */
function commandErrorMessage(): string {
  const outputs = Array.from({ length: 30 }, (_, i) => `    output${i}: "value ${i}"`);
  const stdout = [
    "Updating (local):",
    " +  pulumi-nodejs:dynamic/local:Workload hello-blue creating (0s)",
    " +  pulumi-nodejs:dynamic/local:Workload hello-blue creating failed error: workload hello/blue exited",
    "Diagnostics:",
    "  pulumi-nodejs:dynamic/local:Workload (hello-blue):",
    "    error: workload hello/blue (version 1.0.0) exited before it answered on http://127.0.0.1:18081/healthz; is port 18081 free?",
    "        at start (/work/components/local/workload-provider.ts:80:11)",
    "",
    "Outputs:",
    ...outputs,
    "Resources:",
    "    5 unchanged",
  ].join("\n");
  return `code: 255\n stdout: ${stdout}\n stderr: error: update failed\n\n err?: Error: failed`;
}

describe("engine errors keep their cause", () => {
  it("a failed update's detail starts with the provider's own message, not the outputs listing", () => {
    const detail = engineDetail(new Error(commandErrorMessage()));
    const first = detail.split("\n")[0]!;
    assert.match(first, /Workload \(hello-blue\)/);
    assert.match(detail, /is port 18081 free\?/);
    assert.match(detail, /update failed/);
    assert.doesNotMatch(detail, /output12|Resources:|at start/);
  });

  it("without diagnostics, the end of the engine's words is kept", () => {
    const detail = engineDetail(new Error("code: 255\n stdout: \n stderr: error: decrypting: passphrase is wrong\n err?: x"));
    assert.equal(detail, "error: decrypting: passphrase is wrong");
  });

  it("a plain error message is kept as it is", () => {
    assert.equal(engineDetail(new Error("the engine crashed")), "the engine crashed");
  });
});

describe("engine errors keep their cause when output was streamed", () => {
  it("finds the diagnostics in the stderr section (the SDK's stdout is empty then)", () => {
    const output = [
      "Command failed with exit code 1: pulumi up --yes --refresh --target urn:x",
      "Updating (lost):",
      " +  pulumi-nodejs:dynamic/local:Workload hello-green creating failed error: exited",
      "Diagnostics:",
      "  pulumi-nodejs:dynamic/local:Workload (hello-green):",
      "    error: workload hello/green exited before it answered; is port 23101 free?",
      "",
      "Outputs:",
      ...Array.from({ length: 20 }, (_, i) => `  - output${i}: "x"`),
      "Resources:",
      "    2 errored",
    ].join("\n");
    const detail = engineDetail(new Error(`code: 1\n stdout: \n stderr: ${output}\n err?: Error: ${output}`));
    assert.match(detail.split("\n")[0]!, /Workload \(hello-green\)/);
    assert.match(detail, /is port 23101 free\?/);
    assert.doesNotMatch(detail, /output7|Resources:/);
  });
});
