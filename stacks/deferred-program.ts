/**
 * The Switchyard program (program.ts), loaded when the engine first runs it: a command that
 * may only read state (drift's cloud question runs no program) then starts without loading the
 * Pulumi SDK, which costs more than half a second. It is what main.ts runs, so the engine may run
 * that file instead (model/program-file.ts).
 */
import * as path from "node:path";
import { asProgramFile } from "../model/program-file";

export const deferredSwitchyardProgram = asProgramFile(
  (): Promise<Record<string, unknown>> => (require("./program") as typeof import("./program")).switchyardProgram(),
  path.join(__dirname, "main.ts"),
);
