/**
 * The provider plugin versions this project pins: each provider SDK package names the plugin
 * version it was generated for in its package.json (`pulumi.version`, else `version`), and the
 * engine asks for exactly that one.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../model/toolchain";

/** The provider SDKs package.json pins; the plugin of each has the package's name. */
export const PROVIDER_PACKAGES = ["aws", "gcp", "azure-native", "kubernetes"] as const;

interface ProviderPackageJson {
  readonly version?: string;
  readonly pulumi?: { readonly name?: string; readonly version?: string };
}

/** The plugin version the installed `@pulumi/<name>` asks for; undefined when not one of ours or not installed. */
export function pinnedPluginVersion(name: string, root: string = PROJECT_ROOT): string | undefined {
  if (!(PROVIDER_PACKAGES as readonly string[]).includes(name)) return undefined;
  const file = path.join(root, "node_modules", "@pulumi", name, "package.json");
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, "utf8")) as ProviderPackageJson;
  return (pkg.pulumi?.version ?? pkg.version)?.replace(/^v/, "");
}
