/**
 * Where each traffic mechanism keeps its weights, and the range it accepts (CLOUDS.md §1).
 * One function turns any recognised resource's inputs into weight sets that rules can judge
 * and compare without knowing the mechanism.
 */
import { AWS, AZURE, GCP, isHttpRoute, isOneOf, LOCAL } from "./types";
import { at, list, num, record, type Props } from "./values";

export interface WeightSet {
  /** Where in the inputs, e.g. `defaultActions[0].forward.targetGroups`. */
  readonly path: string;
  readonly mechanism: string;
  readonly weights: readonly number[];
  readonly min: number;
  readonly max: number;
  /** Azure has no weight 0: an origin or endpoint is drained by disabling it. */
  readonly zeroAllowed: boolean;
  /** Set when the weights are shares that must add up to this total. */
  readonly sumTo?: number;
  readonly maxEntries?: number;
}

interface Mechanism {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly zeroAllowed?: boolean;
  readonly sumTo?: number;
  readonly maxEntries?: number;
  /** Weight of an entry that declares none. */
  readonly implicit?: number;
}

const HAPROXY: Mechanism = { name: "local HAProxy", min: 0, max: 100, sumTo: 100 };
const ALB: Mechanism = { name: "AWS ALB forward", min: 0, max: 999, maxEntries: 5, implicit: 1 };
const ROUTE53: Mechanism = { name: "Route 53 weighted record", min: 0, max: 255 };
const URL_MAP: Mechanism = { name: "GCP URL map", min: 0, max: 1000 };
const CLOUD_RUN: Mechanism = { name: "Cloud Run traffic", min: 0, max: 100, sumTo: 100 };
const TRAFFIC_MANAGER: Mechanism = { name: "Azure Traffic Manager", min: 1, max: 1000, zeroAllowed: false };
const FRONT_DOOR: Mechanism = { name: "Azure Front Door origin", min: 1, max: 1000, zeroAllowed: false };
const GATEWAY_API: Mechanism = { name: "Gateway API HTTPRoute", min: 0, max: 1_000_000, implicit: 1 };

function set(m: Mechanism, path: string, raw: readonly unknown[]): WeightSet {
  const weights = raw.map((w) => num(w) ?? m.implicit ?? Number.NaN);
  return { path, mechanism: m.name, weights, min: m.min, max: m.max, zeroAllowed: m.zeroAllowed ?? true, sumTo: m.sumTo, maxEntries: m.maxEntries };
}

function albActions(actions: unknown, field: string): WeightSet[] {
  return list(actions).flatMap((action, i) => {
    const groups = list(at(action, "forward.targetGroups"));
    return groups.length ? [set(ALB, `${field}[${i}].forward.targetGroups`, groups.map((g) => record(g).weight))] : [];
  });
}

function urlMapSets(props: Props): WeightSet[] {
  const out: WeightSet[] = [];
  const add = (path: string, action: unknown) => {
    const services = list(at(action, "weightedBackendServices"));
    if (services.length) out.push(set(URL_MAP, `${path}.weightedBackendServices`, services.map((s) => record(s).weight)));
  };
  add("defaultRouteAction", props.defaultRouteAction);
  list(props.pathMatchers).forEach((matcher, i) => {
    add(`pathMatchers[${i}].defaultRouteAction`, record(matcher).defaultRouteAction);
    list(record(matcher).routeRules).forEach((rule, j) => add(`pathMatchers[${i}].routeRules[${j}].routeAction`, record(rule).routeAction));
    list(record(matcher).pathRules).forEach((rule, j) => add(`pathMatchers[${i}].pathRules[${j}].routeAction`, record(rule).routeAction));
  });
  return out;
}

/** Weight sets of a resource, or none when the type carries no traffic weights. */
export function weightSets(type: string, props: Props): WeightSet[] {
  if (type === LOCAL.weights) return [set(HAPROXY, "weights", Object.values(record(props.weights)))];
  if (isOneOf(type, AWS.listener)) return albActions(props.defaultActions, "defaultActions");
  if (isOneOf(type, AWS.listenerRule)) return albActions(props.actions, "actions");
  if (type === AWS.record) {
    const policies = list(props.weightedRoutingPolicies);
    return policies.length ? [set(ROUTE53, "weightedRoutingPolicies[0]", [record(policies[0]).weight])] : [];
  }
  if (isOneOf(type, GCP.urlMap)) return urlMapSets(props);
  if (type === GCP.cloudRun) {
    const traffics = list(props.traffics);
    return traffics.length ? [set(CLOUD_RUN, "traffics", traffics.map((t) => record(t).percent ?? 0))] : [];
  }
  if (type === AZURE.tmProfile) {
    const weighted = list(props.endpoints).filter((e) => record(e).weight !== undefined);
    return weighted.length ? [set(TRAFFIC_MANAGER, "endpoints", weighted.map((e) => record(e).weight))] : [];
  }
  if (type === AZURE.tmEndpoint) return props.weight === undefined ? [] : [set(TRAFFIC_MANAGER, "weight", [props.weight])];
  if (type === AZURE.afdOrigin) return props.weight === undefined ? [] : [set(FRONT_DOOR, "weight", [props.weight])];
  if (isHttpRoute(type)) {
    return list(at(props, "spec.rules")).flatMap((rule, i) => {
      const refs = list(record(rule).backendRefs);
      return refs.length > 1 ? [set(GATEWAY_API, `spec.rules[${i}].backendRefs`, refs.map((r) => record(r).weight))] : [];
    });
  }
  return [];
}

/** Resources whose inputs carry traffic weights. */
export const carriesWeights = (type: string, props: Props) => weightSets(type, props).length > 0;
