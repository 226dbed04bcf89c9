/**
 * Where this checkout keeps what set-up found or built (.switchyard/toolchain.json) and its own
 * state backend. The driver, the program and the tests all ask, so it lives below all of them.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { SetupError } from "./errors";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface Toolchain {
  readonly pulumiRoot: string;
  readonly pulumiVersion: string;
  readonly helpersDir: string;
  readonly haproxy: string;
  readonly node: string;
  /** The Node.js language host plain `pulumi` commands use (bootstrap/ensure-language-host.mjs). */
  readonly languageHost: LanguageHost;
  /** Set-up's check of what the driver's fast engine path uses (bootstrap/check-direct-engine.mjs). */
  readonly directEngine?: DirectEngineCheck;
  /** Tests only (set-up --for-tests): the browser the browser tests drive. */
  readonly chromium?: { readonly path: string; readonly version: string };
}

export interface DirectEngineCheck {
  readonly usable: boolean;
  /** Each thing missing, naming the module or flag. */
  readonly reasons: readonly string[];
  readonly sdkVersion: string;
  readonly grpcVersion: string;
  readonly cliVersion: string;
}

/** A real Pulumi install's host, Switchyard's own, or none (with why). */
export type LanguageHost =
  | { readonly kind: "pulumi"; readonly path: string }
  | { readonly kind: "switchyard"; readonly path: string; readonly version: string }
  | { readonly kind: "none"; readonly reason: string };

export function readToolchain(projectRoot = PROJECT_ROOT): Toolchain {
  const file = path.join(projectRoot, ".switchyard", "toolchain.json");
  if (!existsSync(file)) {
    throw new SetupError("set-up has not run on this machine (no .switchyard/toolchain.json)", "run: npm run setup");
  }
  return JSON.parse(readFileSync(file, "utf8")) as Toolchain;
}

export function defaultBackendUrl(projectRoot = PROJECT_ROOT): string {
  return `file://${path.join(projectRoot, ".switchyard", "state")}`;
}
