// The driver's fast path (automation/direct-engine.ts) serves its inline program to the CLI
// itself: it uses the SDK's LanguageServer (automation/server), the generated gRPC service
// (proto/language_grpc_pb), @grpc/grpc-js, and CLI flags the Automation API passes
// (--client, --exec-kind auto.inline, --event-log with PULUMI_DEBUG_COMMANDS). None of these is
// the SDK's typed surface, so set-up checks them once per SDK and CLI version; when one is
// missing, the driver runs its steps through the Automation API instead (stack.up({ target })).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

function versionOf(require, name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
  } catch {
    return "missing";
  }
}

/** What the fast path needs from the SDK, each with the reason it fails; pure apart from require. */
function sdkProblems(require) {
  const problems = [];
  const load = (name) => {
    try {
      return require(name);
    } catch (error) {
      problems.push(`${name} cannot be loaded (${error.code ?? error.message})`);
      return undefined;
    }
  };
  const server = load("@pulumi/pulumi/automation/server");
  if (server && typeof server.LanguageServer?.prototype?.onPulumiExit !== "function") problems.push("@pulumi/pulumi/automation/server has no LanguageServer with onPulumiExit");
  const proto = load("@pulumi/pulumi/proto/language_grpc_pb");
  if (proto && typeof proto.LanguageRuntimeService?.run !== "object") problems.push("@pulumi/pulumi/proto/language_grpc_pb has no LanguageRuntimeService.run");
  const grpc = load("@grpc/grpc-js");
  if (grpc && (typeof grpc.Server !== "function" || typeof grpc.ServerCredentials?.createInsecure !== "function")) problems.push("@grpc/grpc-js has no Server or ServerCredentials.createInsecure");
  return problems;
}

/** The CLI accepts the flags the fast path passes (it rejects unknown flags before printing help). */
function cliProblems(pulumiBinary) {
  const probes = [
    ["up", "--client=127.0.0.1:1", "--exec-kind", "auto.inline", "--event-log", "/dev/null", "--target", "urn:x", "--help"],
    ["preview", "--client=127.0.0.1:1", "--exec-kind", "auto.inline", "--event-log", "/dev/null", "--help"],
    ["refresh", "--preview-only", "--event-log", "/dev/null", "--help"],
  ];
  const problems = [];
  for (const args of probes) {
    const result = spawnSync(pulumiBinary, args, { encoding: "utf8", timeout: 20_000, env: { ...process.env, PULUMI_DEBUG_COMMANDS: "true", PULUMI_SKIP_UPDATE_CHECK: "true" } });
    if (result.status !== 0) problems.push(`pulumi ${args[0]} rejects ${args.slice(1, -1).join(" ")}: ${(result.stderr || result.stdout || String(result.error)).trim().split("\n")[0]}`);
  }
  return problems;
}

/**
 * Returns { usable, reasons, sdkVersion, grpcVersion, cliVersion }. `previous` (the last result)
 * is reused while the versions are the same: loading the SDK costs about a second.
 */
export function checkDirectEngine({ root, pulumiBinary, cliVersion, previous }) {
  const require = createRequire(join(root, "package.json"));
  const sdkVersion = versionOf(require, "@pulumi/pulumi");
  const grpcVersion = versionOf(require, "@grpc/grpc-js");
  if (previous && previous.sdkVersion === sdkVersion && previous.grpcVersion === grpcVersion && previous.cliVersion === cliVersion) return previous;
  const reasons = [...sdkProblems(require), ...cliProblems(pulumiBinary)];
  return { usable: reasons.length === 0, reasons, sdkVersion, grpcVersion, cliVersion };
}
