/**
 * The Switchyard program (program.ts), loaded when the engine first runs it: a command that
 * may only read state (drift's cloud question runs no program) then starts without loading the
 * Pulumi SDK, which costs more than half a second.
 */
export const deferredSwitchyardProgram = (): Promise<Record<string, unknown>> => (require("./program") as typeof import("./program")).switchyardProgram();
