/**
 * A cloud-shaped stand-in for the tests: one load balancer whose listener splits traffic between
 * two slots' services, each with a capacity, kept as a JSON file that plays the cloud's API. It
 * behaves as a careful cloud would were it to refuse what loses requests: a listener update that
 * puts weight on a slot with no capacity is refused, and so is scaling a slot to 0 while the
 * listener sends it traffic. Every call and every refusal is logged, so a test reads the whole
 * history of what the engine asked of it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { SLOTS, type Slot, type Weights } from "../../../model/weights";

export interface SimulatedService {
  readonly version: string;
  readonly capacity: number;
}

export interface CloudCall {
  readonly op: "service" | "listener" | "delete-service" | "delete-listener";
  readonly slot?: Slot;
  readonly capacity?: number;
  readonly weights?: Weights;
  /** What served just after the call: each slot's capacity and the listener's weights. */
  readonly after: { readonly capacity: Record<Slot, number>; readonly weights?: Weights };
}

export interface CloudState {
  readonly services: Partial<Record<Slot, SimulatedService>>;
  readonly listener?: { readonly weights: Weights };
  readonly calls: readonly CloudCall[];
  /** Calls the cloud refused, as it said so. */
  readonly refused: readonly string[];
}

const EMPTY: CloudState = { services: {}, calls: [], refused: [] };

export function readCloud(file: string): CloudState {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as CloudState) : EMPTY;
}

/** Synchronous read-modify-write: the provider host runs calls on one thread, so none interleave. */
function writeCloud(file: string, state: CloudState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

const capacityOf = (state: Pick<CloudState, "services">): Record<Slot, number> => ({ blue: state.services.blue?.capacity ?? 0, green: state.services.green?.capacity ?? 0 });

export class CloudRefusal extends Error {}

function refuse(file: string, state: CloudState, message: string): never {
  writeCloud(file, { ...state, refused: [...state.refused, message] });
  throw new CloudRefusal(message);
}

function logged(state: CloudState, call: Omit<CloudCall, "after">): CloudState {
  return { ...state, calls: [...state.calls, { ...call, after: { capacity: capacityOf(state), weights: state.listener?.weights } }] };
}

export function putService(file: string, slot: Slot, service: SimulatedService): void {
  const state = readCloud(file);
  const weight = state.listener?.weights[slot] ?? 0;
  if (service.capacity === 0 && weight > 0) refuse(file, state, `service ${slot}: cannot scale to 0 while the listener sends it ${weight}%`);
  writeCloud(file, logged({ ...state, services: { ...state.services, [slot]: service } }, { op: "service", slot, capacity: service.capacity }));
}

export function deleteService(file: string, slot: Slot): void {
  const state = readCloud(file);
  const { [slot]: _gone, ...rest } = state.services;
  writeCloud(file, logged({ ...state, services: rest }, { op: "delete-service", slot }));
}

export function putListener(file: string, weights: Weights): void {
  const state = readCloud(file);
  const capacity = capacityOf(state);
  for (const slot of SLOTS) {
    if (weights[slot] > 0 && capacity[slot] === 0) refuse(file, state, `listener: ${weights[slot]}% to ${slot}, which has no capacity`);
  }
  writeCloud(file, logged({ ...state, listener: { weights } }, { op: "listener", weights }));
}

export function deleteListener(file: string): void {
  const state = readCloud(file);
  writeCloud(file, logged({ ...state, listener: undefined }, { op: "delete-listener" }));
}

/** What the data plane serves now, as a load balancer reports it; refuses to report weight on nothing. */
export function readBackWeights(file: string): Weights | undefined {
  const state = readCloud(file);
  if (!state.listener) return undefined;
  const capacity = capacityOf(state);
  for (const slot of SLOTS) {
    if (state.listener.weights[slot] > 0 && capacity[slot] === 0) throw new CloudRefusal(`read-back: ${state.listener.weights[slot]}% goes to ${slot}, which has no capacity`);
  }
  return state.listener.weights;
}
