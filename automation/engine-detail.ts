/**
 * What a failed engine run says, cause first. The engine prints a provider's own message in the
 * "Diagnostics:" section of its output, followed by the outputs listing and a summary; a tail of
 * that output keeps the listing and loses the cause. So the diagnostics lead, then whatever
 * stderr adds, each capped.
 */
import { DirectEngineFailure, diagnostics } from "./direct-engine";

const MAX_DIAGNOSTIC_LINES = 40;
const MAX_EXTRA_LINES = 10;

const lines = (text: string) => text.split("\n").map((line) => line.trimEnd()).filter(Boolean);

/** The stdout and stderr an Automation API CommandError carries in its message. */
function sectionsOf(message: string): { stdout: string; stderr: string } {
  const stdout = message.match(/stdout:[ \t]*([\s\S]*?)(?:\n\s*stderr:|$)/)?.[1] ?? "";
  const stderr = message.match(/stderr:[ \t]*([\s\S]*?)(?:\n\s*err\?:|$)/)?.[1] ?? (stdout ? "" : message);
  return { stdout, stderr };
}

export function engineDetail(error: unknown): string {
  const { stdout, stderr } =
    error instanceof DirectEngineFailure ? { stdout: error.stdout, stderr: error.stderr } : sectionsOf(error instanceof Error ? error.message : String(error));
  // With output streamed to a callback the SDK's error has no stdout: the engine's whole
  // output, diagnostics included, is then in its stderr section.
  const cause = lines(diagnostics(stdout) || diagnostics(stderr)).map((line) => line.trim());
  if (cause.length === 0) return [...lines(stdout).slice(-MAX_EXTRA_LINES), ...lines(stderr).slice(-MAX_EXTRA_LINES * 2)].join("\n");
  const known = new Set(cause);
  // Beside the diagnostics, only the engine's own error lines add anything ("error: update failed").
  const extra = lines(stderr).map((line) => line.trim()).filter((line) => /^error:/.test(line) && !known.has(line));
  return [...cause.slice(0, MAX_DIAGNOSTIC_LINES), ...[...new Set(extra)].slice(-MAX_EXTRA_LINES)].join("\n");
}
