/**
 * An inline program that is also the project's program file (Pulumi.yaml `main`): the engine can
 * then run it through the Node.js language host, in a process of its own, exactly as a plain
 * `pulumi preview` does. Drift's code question does so: the driver then never loads the program
 * or the SDK (a third of its memory on a 1,000-resource stack), and answers as the plain CLI would.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { Toolchain } from "./toolchain";

type Program = () => Promise<Record<string, unknown> | void>;

const files = new WeakMap<Program, string>();

/** Marks `program` as what `file` runs when it is the project's `main`. */
export function asProgramFile<T extends Program>(program: T, file: string): T {
  files.set(program, path.resolve(file));
  return program;
}

/** The `main` of workDir's Pulumi.yaml, resolved; undefined when it names none. */
function projectMain(workDir: string): string | undefined {
  const file = path.join(workDir, "Pulumi.yaml");
  if (!existsSync(file)) return undefined;
  const main = (parse(readFileSync(file, "utf8")) as { main?: unknown } | null)?.main;
  return typeof main === "string" ? path.resolve(workDir, main) : undefined;
}

/**
 * The program file the engine runs for `program` in workDir, when it may: the program is marked
 * as that file, Pulumi.yaml's `main` names it, and set-up found a language host to run it.
 */
export function programFileFor(program: Program, workDir: string, toolchain: Pick<Toolchain, "languageHost">): string | undefined {
  const file = files.get(program);
  if (!file || !toolchain.languageHost || toolchain.languageHost.kind === "none") return undefined;
  return projectMain(workDir) === file ? file : undefined;
}
