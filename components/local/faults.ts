/**
 * What a fault looks like in the read-back outputs of each local resource. Refresh compares the
 * cloud with state, so a fault that state already records (taken in by `drift --fix accept`, or
 * left by a repair that failed) is no difference any more; these rules still see it. Pure.
 */
export interface RecordedFault {
  readonly path: string;
  readonly expected: unknown;
  readonly found: unknown;
}

type Outputs = Readonly<Record<string, unknown>>;

const processFault = (o: Outputs): RecordedFault[] =>
  o.process !== undefined && o.process !== "running" ? [{ path: "process", expected: "running", found: o.process }] : [];
const listeningFault = (o: Outputs): RecordedFault[] => (o.listening === false ? [{ path: "listening", expected: true, found: false }] : []);

const RULES: Readonly<Record<string, (outputs: Outputs) => RecordedFault[]>> = {
  "pulumi-nodejs:dynamic/local:Workload": (o) => [
    ...processFault(o),
    ...listeningFault(o),
    ...(o.answers === null ? [{ path: "answers", expected: { version: o.version, slot: o.slot }, found: null }] : []),
  ],
  "pulumi-nodejs:dynamic/local:HaproxyInstance": (o) => [
    ...processFault(o),
    ...listeningFault(o),
    ...(o.configDigest === "missing" ? [{ path: "configDigest", expected: "the declared configuration", found: "missing" }] : []),
  ],
  "pulumi-nodejs:dynamic/local:HaproxyWeights": (o) => (o.instancePid === 0 ? [{ path: "instancePid", expected: "a running HAProxy", found: 0 }] : []),
};

/** The faults a resource's outputs record; none for types without rules. */
export function localFaults(type: string, outputs: Outputs | undefined): RecordedFault[] {
  return outputs ? (RULES[type]?.(outputs) ?? []) : [];
}
