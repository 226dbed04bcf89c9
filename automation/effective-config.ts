/**
 * The config file an engine run is given (`--config-file`): the stack file as people wrote it,
 * plus the driver's status under `switchyard:driverStatus`. The stack file itself is never
 * written: it holds intent only, so a checkout stays clean and two machines sharing a backend
 * apply the same status. Secrets, the salt and the secrets provider are carried over as written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { isMap, parseDocument } from "yaml";
import { NAMESPACE, stackFilePath } from "../model/config-keys";
import { DRIVER_STATUS_KEY } from "../model/config-keys";
import type { DriverStatus } from "../model/driver-status";

let folder: string | undefined;
let written = 0;

/** One folder per process, removed when it exits. */
function effectiveFolder(): string {
  if (!folder) {
    const made = mkdtempSync(path.join(tmpdir(), "switchyard-effective-"));
    folder = made;
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  return folder;
}

/** The stack file's text with the status set (or, when undefined, any left over removed). */
export function effectiveConfigText(stackFileText: string, status: DriverStatus | undefined): string {
  const doc = parseDocument(stackFileText);
  const key = ["config", `${NAMESPACE}:${DRIVER_STATUS_KEY}`];
  // An empty status adds nothing: the run then applies the file alone, as a plain run would.
  if (status && Object.keys(status).length > 0) {
    // A stack file may be empty or hold `config:` with nothing under it.
    if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
    if (!isMap(doc.get("config"))) doc.set("config", doc.createNode({}));
    doc.setIn(key, doc.createNode(status));
  } else if (isMap(doc.get("config"))) doc.deleteIn(key);
  return doc.toString();
}

/** Writes a run's effective config; undefined when the stack has no file (the engine then uses none). */
export function writeEffectiveConfig(workDir: string, stackName: string, status: DriverStatus | undefined): string | undefined {
  const source = stackFilePath(workDir, stackName);
  if (!existsSync(source)) return undefined;
  const file = path.join(effectiveFolder(), `Pulumi.${stackName}.${++written}.yaml`);
  writeFileSync(file, effectiveConfigText(readFileSync(source, "utf8"), status), { mode: 0o600 });
  return file;
}
