/**
 * How a failed direct CLI run reaches the user: the lock and missing-stack cases become the
 * same typed errors as through the Automation API, and the passphrase never shows.
 */
import assert from "node:assert/strict";
import { DirectEngineFailure } from "../../../automation/direct-engine";
import { EngineError, LanguageHostError, StackLockedError, StackNotFoundError } from "../../../model/errors";
import { classifyEngineError } from "../../../automation/workspace";

const failure = (stderr: string) => new DirectEngineFailure(["up", "--target", "urn:x", "--stack", "prod"], 255, "", stderr);

describe("direct engine runs: errors", () => {
  it("a file-backend lock becomes StackLockedError with the holder and the recover hint", () => {
    const error = classifyEngineError(
      failure("error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///x/.pulumi/locks/switchyard/prod/123.json: created by ops@ci-7 (pid 4242) at 2026-11-28T10:00:00Z"),
      "traffic step",
      "prod",
    );
    assert.ok(error instanceof StackLockedError);
    assert.match(error.message, /ops@ci-7 pid 4242/);
    assert.match((error as StackLockedError).fix ?? "", /switchyard recover --stack prod/);
  });

  it("a cloud-backend conflict is a lock too", () => {
    assert.ok(classifyEngineError(failure("error: [409] Conflict: Another update is currently in progress."), "traffic step", "prod") instanceof StackLockedError);
  });

  it("a missing stack becomes StackNotFoundError, which says to deploy first", () => {
    const error = classifyEngineError(failure("error: no stack named 'prod' found"), "refresh preview", "prod");
    assert.ok(error instanceof StackNotFoundError);
    assert.match((error as StackNotFoundError).fix ?? "", /npm run deploy -- --stack prod/);
  });

  it("anything else is an EngineError naming the operation, with the CLI's words and secrets redacted", () => {
    const redact = (text: string) => text.split("hunter2-passphrase").join("[secret]");
    const error = classifyEngineError(failure("error: decrypting: passphrase hunter2-passphrase is wrong\n"), "traffic step", "prod", redact);
    assert.ok(error instanceof EngineError);
    assert.match(error.message, /traffic step/);
    assert.match(error.message, /passphrase \[secret\] is wrong/);
    assert.doesNotMatch(error.message, /hunter2/);
  });
});

describe("direct engine runs: the CLI's diagnostics", () => {
  const stdout = [
    "Updating (prod):",
    "    pulumi:pulumi:Stack switchyard-prod running error: boom",
    "Diagnostics:",
    "  pulumi:pulumi:Stack (switchyard-prod):",
    "    error: Unhandled exception: Error: the traffic program does not declare urn:x",
    "        at Object.init (/work/automation/routers/traffic-program.ts:21:13)",
    "",
    "Outputs:",
    "    target: \"local\"",
    "Resources:",
    "    1 unchanged",
  ].join("\n");

  it("a program error, printed on stdout, is the error's detail; stack traces and outputs are left out", () => {
    const error = classifyEngineError(new DirectEngineFailure(["up"], 255, stdout, ""), "traffic step", "prod");
    assert.match(error.message, /error: Unhandled exception: Error: the traffic program does not declare urn:x/);
    assert.doesNotMatch(error.message, /at Object\.init|Outputs:|target: "local"/);
  });
});

describe("an engine that cannot start the language host", () => {
  it("says so and points to set-up, which finds or rebuilds the host", () => {
    // The CLI's text when pulumi-language-nodejs is damaged (seen by breaking it by hand).
    const stderr = "error: failed to load language plugin nodejs: failed to load plugin /p/.switchyard/tools/pulumi/bin/pulumi-language-nodejs: fork/exec /p/.switchyard/tools/pulumi/bin/pulumi-language-nodejs: exec format error\n";
    const error = classifyEngineError(new DirectEngineFailure(["preview"], 255, "", stderr), "preview", "local");
    assert.ok(error instanceof LanguageHostError, error.message);
    assert.match(error.message, /preview of stack "local" failed: the engine could not start the Node\.js language host/);
    assert.match(error.message, /exec format error/);
    assert.match((error as LanguageHostError).fix!, /npm run setup/);
  });
});
