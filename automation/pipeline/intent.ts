/**
 * A promotion changes a stage's intent as a person would: the idle slot gets the version and
 * becomes `switchyard:active`, in the stack file (the one place Switchyard writes a stack file,
 * like a promotion commit in GitOps). Only those two values change; comments, order and every
 * other key stay as written.
 */
import { isMap, Scalar } from "yaml";
import { NAMESPACE, stackFilePath } from "../../model/config-keys";
import { SLOTS, otherSlot, type Slot } from "../../model/weights";
import { ConfigError } from "../../model/errors";
import { editStackFile, readStackConfigValues } from "../stack-file";
import type { StackIntent } from "./record";

/** The release the stack file asks for now. */
export function readIntent(workDir: string, stack: string): StackIntent {
  const values = readStackConfigValues(workDir, stack);
  const active = values.active;
  const shown = `stacks/Pulumi.${stack}.yaml`;
  if (active !== "blue" && active !== "green") {
    throw new ConfigError([{ path: `${NAMESPACE}:active`, message: "a pipeline stage's stack must name its serving slot", value: JSON.stringify(active), fix: `set ${NAMESPACE}:active: blue (or green) in ${shown}` }], shown);
  }
  const slots = (values.slots ?? {}) as Partial<Record<Slot, { version?: unknown }>>;
  const versions = Object.fromEntries(SLOTS.map((slot) => [slot, typeof slots[slot]?.version === "string" ? (slots[slot]!.version as string) : undefined])) as Record<Slot, string | undefined>;
  return { active, versions };
}

/** The intent that carries `version`: unchanged when the serving slot already runs it, else the idle slot with it, active. */
export function promotedIntent(current: StackIntent, version: string): { readonly intent: StackIntent; readonly slot?: Slot } {
  if (current.versions[current.active] === version) return { intent: current };
  const idle = otherSlot(current.active);
  return { intent: { active: idle, versions: { ...current.versions, [idle]: version } }, slot: idle };
}

/** Writes `active` and each slot's `version` into the stack file (atomically: a temp file renamed over it). */
export function writeIntent(workDir: string, stack: string, intent: StackIntent): void {
  editStackFile(workDir, stack, (doc) => {
    if (!isMap(doc.get("config"))) throw new ConfigError([{ path: "config", message: "the stack file has no config map", fix: "add the switchyard: keys under config:" }], stackFilePath(workDir, stack));
    doc.setIn(["config", `${NAMESPACE}:active`], intent.active);
    for (const slot of SLOTS) {
      const version = intent.versions[slot];
      if (version === undefined) continue;
      // Quoted: a version such as 1.10 written plain would read back as the number 1.1.
      const scalar = new Scalar(version);
      scalar.type = Scalar.QUOTE_DOUBLE;
      doc.setIn(["config", `${NAMESPACE}:slots`, slot, "version"], scalar);
    }
  });
}

export const sameIntent = (a: StackIntent, b: StackIntent) => a.active === b.active && SLOTS.every((slot) => a.versions[slot] === b.versions[slot]);
