/**
 * The one mock monitor of the component tests. Every spec calls `useMocks()` in its `before`
 * (mocha loads all spec files into one process, and each setMocks replaces the monitor).
 */
import * as pulumi from "@pulumi/pulumi";

export const recorded: pulumi.runtime.MockResourceArgs[] = [];

export interface MockOptions {
  /** Run as `pulumi preview`: only echoed state is known. @default false */
  readonly preview?: boolean;
  /** Stack name seen by the program. @default "test" */
  readonly stack?: string;
}

/** Outputs a real provider would compute; enough for components to wire themselves. */
/** A stable documentation-range address per resource name. */
function addressFor(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 250;
  return `198.51.100.${h + 1}`;
}

function computed(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const n = args.name;
  return {
    arn: `arn:mock:${args.type}:${n}`,
    arnSuffix: `suffix/${n}`,
    dnsName: `${n}.elb.mock`,
    zoneId: args.inputs.zoneId ?? "ZMOCK",
    fqdn: args.inputs.fqdn ?? `${n}.fqdn.mock`,
    ipAddress: args.inputs.ipAddress ?? "203.0.113.10",
    address: addressFor(n),
    uri: `https://${n}.run.mock`,
    selfLink: `https://mock/${n}`,
    name: args.inputs.name ?? n,
    hostName: args.inputs.hostName ?? `${n}.azurefd.mock`,
    defaultHostName: `${n}.azurewebsites.mock`,
    connectionName: `mock:region:${n}`,
  };
}

export async function useMocks(options: MockOptions = {}): Promise<void> {
  recorded.length = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push(args);
        if (args.type === UNKNOWN_SOURCE) return { id: `${args.name}-id`, state: { value: pulumi.runtime.unknownValue } };
        const state: Record<string, unknown> = { ...computed(args), ...args.inputs };
        if (args.inputs.dnsConfig) state.dnsConfig = { ...args.inputs.dnsConfig, fqdn: `${args.inputs.dnsConfig.relativeName}.trafficmanager.mock` };
        return { id: `${args.name}-id`, state };
      },
      call: (args) =>
        args.token === "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount"
          ? { ...args.inputs, email: "transfer@mock.iam", subjectId: "1234567890", member: "serviceAccount:transfer@mock.iam" }
          : args.inputs,
    },
    "switchyard",
    options.stack ?? "test",
    options.preview ?? false,
  );
}

/** Clears the record, e.g. between two builds compared with `inputsByName`. */
export function resetRecorded(): void {
  recorded.length = 0;
}

/** Waits until registrations stop arriving (mock registrations are all in-process promises). */
export async function settle(): Promise<void> {
  let quietRounds = 0;
  let last = -1;
  while (quietRounds < 3) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    quietRounds = recorded.length === last ? quietRounds + 1 : 0;
    last = recorded.length;
  }
}

type Internal<T> = pulumi.Output<T> & { promise(withUnknowns?: boolean): Promise<T>; isKnown: Promise<boolean> };

/** Value of a known output. Rejects (instead of hanging) when the output is unknown. */
export async function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  const o = output as Internal<T>;
  if (!(await o.isKnown)) throw new Error("output is unknown");
  return o.promise();
}

/** Whether an output is known, and its value if so. */
export async function unwrap<T>(output: pulumi.Output<T>): Promise<{ known: boolean; value: T | undefined }> {
  const o = output as Internal<T>;
  const known = await o.isKnown;
  return { known, value: known ? await o.promise() : undefined };
}

/** A resource whose `value` the mock reports as unknown during preview (as a real provider would). */
class UnknownSource extends pulumi.CustomResource {
  declare readonly value: pulumi.Output<unknown>;
  constructor(name: string) {
    super(UNKNOWN_SOURCE, name, { value: undefined });
  }
}
const UNKNOWN_SOURCE = "test:index:UnknownSource";
let unknownCount = 0;

/** An Output that stays unknown during preview, as a value computed by another resource. */
export function unknownOutput<T>(): pulumi.Output<T> {
  return new UnknownSource(`unknown-${unknownCount++}`).value as pulumi.Output<T>;
}

export const ofType = (type: string) => recorded.filter((r) => r.type === type);
export const one = (type: string) => {
  const found = ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
};
export const byName = (name: string) => {
  const found = recorded.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
  return found[0];
};

/** `type::name` → inputs, for comparing two builds. */
export function inputsByName(): Map<string, unknown> {
  return new Map(recorded.map((r) => [`${r.type}::${r.name}`, JSON.parse(JSON.stringify(r.inputs))]));
}

/**
 * Builds twice (fresh record each time) and returns the keys whose inputs differ. The builds use
 * the same names: the mock monitor does not check URN uniqueness.
 */
export async function diffBuilds(build: (variant: 0 | 1) => void): Promise<{ changed: string[]; all: string[] }> {
  resetRecorded();
  build(0);
  await settle();
  const first = inputsByName();
  resetRecorded();
  build(1);
  await settle();
  const second = inputsByName();
  const all = [...new Set([...first.keys(), ...second.keys()])].sort();
  const changed = all.filter((k) => JSON.stringify(first.get(k)) !== JSON.stringify(second.get(k)));
  return { changed, all };
}
