/**
 * Recognizes the engine's "plugin not installed" errors and turns them into one MissingPluginError
 * naming each plugin, its version, whether a download was tried, and the command that installs
 * it where the driver and `npm run pulumi` look (the project's PULUMI_HOME). The engine's own
 * advice, `pulumi plugin install …`, run outside `npm run pulumi`, installs into ~/.pulumi,
 * where this project's engine does not look.
 */
import { MissingPluginError, type PluginSpec } from "../../model/errors";
import { ACQUISITION_VAR, type PluginAcquisition } from "./acquisition";
import { pinnedPluginVersion } from "./pinned";

// The engine's texts, sdk/go/common/workspace/plugins.go (MissingError) and pkg/workspace/plugin.go (InstallPluginError).
const NOT_FOUND = /no (\w+) plugin 'pulumi-\1-([^']+)' found in the workspace(?: at version v([^\s,]+))?(?: or on your \$PATH)?(?: from (\S+))?/g;
const NOT_DOWNLOADED = /Could not automatically download and install (\w+) plugin 'pulumi-\1-([^']+)'(?: at version v([^\s,]+))?, install the plugin using `pulumi plugin install [^`]*?(?: --server ([^`\s]+))?`: ([^\n]*)/g;
/** The download's own failure, a warning the engine prints before each retry. */
const DOWNLOAD_FAILURE = /error downloading (?:provider|plugin): Get "([^"]+)": ([^\n]+)/gi;

/** `npm run pulumi -- plugin install …` for one plugin. */
export function installCommand(plugin: PluginSpec): string {
  const version = plugin.version ? ` ${plugin.version}` : "";
  const server = plugin.server ? ` --server ${plugin.server}` : "";
  return `npm run pulumi -- plugin install ${plugin.kind} ${plugin.name}${version}${server}`;
}

function whyNotDownloaded(acquisition: PluginAcquisition | undefined): string {
  if (acquisition?.reason === "user-env" && !acquisition.automatic) {
    return `automatic download is off: your environment sets ${ACQUISITION_VAR}=${acquisition.value}`;
  }
  if (acquisition?.reason === "local-target") return "automatic download is off for the local target, whose own resources need no downloaded plugin";
  if (acquisition?.automatic) return "the engine did not download it";
  return "automatic download is off";
}

function downloadFailure(detail: string, engineCause: string): string {
  const last = [...detail.matchAll(DOWNLOAD_FAILURE)].at(-1);
  return last ? `automatic download from ${last[1]} was tried and failed: ${last[2]!.trim()}` : `automatic download was tried and failed: ${engineCause.trim()}`;
}

/**
 * The MissingPluginError an engine failure's text describes, or undefined when it is about
 * something else. A version the engine does not name comes from the installed provider SDK.
 */
export function missingPluginError(
  detail: string,
  operation: string,
  stackName: string,
  acquisition: PluginAcquisition | undefined,
  root?: string,
): MissingPluginError | undefined {
  const plugins = new Map<string, PluginSpec>();
  const add = (kind: string, name: string, version: string | undefined, server: string | undefined) => {
    const spec = { kind, name, version: version ?? pinnedPluginVersion(name, root), server };
    plugins.set(`${kind} ${name} ${spec.version ?? ""}`, spec);
  };
  let tried: string | undefined;
  for (const m of detail.matchAll(NOT_DOWNLOADED)) {
    add(m[1]!, m[2]!, m[3], m[4]);
    tried ??= downloadFailure(detail, m[5]!);
  }
  for (const m of detail.matchAll(NOT_FOUND)) add(m[1]!, m[2]!, m[3], m[4]);
  if (plugins.size === 0) return undefined;
  const all = [...plugins.values()];
  return new MissingPluginError(operation, stackName, all, tried ?? whyNotDownloaded(acquisition), all.map(installCommand));
}
