/**
 * Where each traffic mechanism keeps its weights in a resource's inputs. The range each accepts
 * is the mechanism's own declaration, the one its component maps onto, never restated here.
 * One function turns any recognised resource's inputs into weight sets that rules can judge
 * and compare without knowing the mechanism.
 */
import { awsAlb } from "../../components/traffic/mechanisms/aws-alb";
import { awsRoute53 } from "../../components/traffic/mechanisms/aws-route53";
import { azureFrontDoor } from "../../components/traffic/mechanisms/azure-front-door";
import { azureTrafficManager } from "../../components/traffic/mechanisms/azure-traffic-manager";
import { gcpCloudRun } from "../../components/traffic/mechanisms/gcp-cloud-run";
import { gcpUrlMap } from "../../components/traffic/mechanisms/gcp-url-map";
import { k8sHttpRoute } from "../../components/traffic/mechanisms/k8s-http-route";
import { localHaproxy } from "../../components/traffic/mechanisms/local-haproxy";
import type { TrafficMechanism } from "../../model/mechanism";
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

/** One weight set, judged against the limits its mechanism declares (components/traffic/mechanisms). */
function set(m: TrafficMechanism, path: string, raw: readonly unknown[]): WeightSet {
  const { min, max, zeroAllowed, sumTo, maxEntries, implicit } = m.limits;
  const weights = raw.map((w) => num(w) ?? implicit ?? Number.NaN);
  return { path, mechanism: m.label, weights, min, max, zeroAllowed, sumTo, maxEntries };
}

function albActions(actions: unknown, field: string): WeightSet[] {
  return list(actions).flatMap((action, i) => {
    const groups = list(at(action, "forward.targetGroups"));
    return groups.length ? [set(awsAlb, `${field}[${i}].forward.targetGroups`, groups.map((g) => record(g).weight))] : [];
  });
}

function urlMapSets(props: Props): WeightSet[] {
  const out: WeightSet[] = [];
  const add = (path: string, action: unknown) => {
    const services = list(at(action, "weightedBackendServices"));
    if (services.length) out.push(set(gcpUrlMap, `${path}.weightedBackendServices`, services.map((s) => record(s).weight)));
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
  if (type === LOCAL.weights) return [set(localHaproxy, "weights", Object.values(record(props.weights)))];
  if (isOneOf(type, AWS.listener)) return albActions(props.defaultActions, "defaultActions");
  if (isOneOf(type, AWS.listenerRule)) return albActions(props.actions, "actions");
  if (type === AWS.record) {
    const policies = list(props.weightedRoutingPolicies);
    return policies.length ? [set(awsRoute53, "weightedRoutingPolicies[0]", [record(policies[0]).weight])] : [];
  }
  if (isOneOf(type, GCP.urlMap)) return urlMapSets(props);
  if (type === GCP.cloudRun) {
    const traffics = list(props.traffics);
    return traffics.length ? [set(gcpCloudRun, "traffics", traffics.map((t) => record(t).percent ?? 0))] : [];
  }
  if (type === AZURE.tmProfile) {
    const weighted = list(props.endpoints).filter((e) => record(e).weight !== undefined);
    return weighted.length ? [set(azureTrafficManager, "endpoints", weighted.map((e) => record(e).weight))] : [];
  }
  if (type === AZURE.tmEndpoint) return props.weight === undefined ? [] : [set(azureTrafficManager, "weight", [props.weight])];
  if (type === AZURE.afdOrigin) return props.weight === undefined ? [] : [set(azureFrontDoor, "weight", [props.weight])];
  if (isHttpRoute(type)) {
    return list(at(props, "spec.rules")).flatMap((rule, i) => {
      const refs = list(record(rule).backendRefs);
      return refs.length > 1 ? [set(k8sHttpRoute, `spec.rules[${i}].backendRefs`, refs.map((r) => record(r).weight))] : [];
    });
  }
  return [];
}

/** Resources whose inputs carry traffic weights. */
export const carriesWeights = (type: string, props: Props) => weightSets(type, props).length > 0;
