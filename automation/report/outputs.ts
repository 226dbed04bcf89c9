/** Reads the program's stack outputs into the report's vocabulary. */
import type { OutputMap } from "@pulumi/pulumi/automation";
import type { Weights } from "../../components/traffic/weights";
import type { SlotView } from "./model";

interface ProgramOutputs {
  endpoint?: string;
  weights?: Weights;
  slots?: Record<"blue" | "green", { version?: string; endpoint?: string }>;
}

export function programOutputs(outputs: OutputMap): ProgramOutputs {
  return Object.fromEntries(Object.entries(outputs).map(([key, out]) => [key, out.secret ? "[secret]" : out.value])) as ProgramOutputs;
}

export function environmentsFrom(outputs: ProgramOutputs): SlotView[] {
  return (["blue", "green"] as const).map((slot) => ({
    slot,
    version: outputs.slots?.[slot]?.version,
    endpoint: outputs.slots?.[slot]?.endpoint,
    trafficPercentage: outputs.weights?.[slot] ?? 0,
  }));
}
