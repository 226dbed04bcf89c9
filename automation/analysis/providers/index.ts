/**
 * The registry: provider type → a factory of fresh, run-scoped provider instances. An unknown
 * type throws: a metric that silently measured nothing would let a bad release through.
 */
import { SwitchyardError } from "../../../model/errors";
import { PROVIDER_TYPES, type ProviderType } from "../../../model/config/analysis";
import { createCloudwatchProvider } from "./cloudwatch";
import { createCommandProvider } from "./command";
import type { RunScopedProvider } from "./common";
import { createHaproxyProvider } from "./haproxy";
import { createHttpProvider } from "./http";
import { createPrometheusProvider } from "./prometheus";
import { createWebhookProvider } from "./webhook";

export type { RunScopedProvider } from "./common";

export type ProviderFactories = { readonly [T in ProviderType]: () => RunScopedProvider<T> };

export const PROVIDER_FACTORIES: ProviderFactories = {
  http: () => createHttpProvider(),
  haproxy: () => createHaproxyProvider(),
  prometheus: () => createPrometheusProvider(),
  cloudwatch: () => createCloudwatchProvider(),
  command: () => createCommandProvider(),
  webhook: () => createWebhookProvider(),
};

export class UnknownProviderError extends SwitchyardError {
  constructor(readonly providerType: string) {
    super(`unknown metric provider type "${providerType}"`, `use one of: ${PROVIDER_TYPES.join(", ")}`);
  }
}

const isKnown = (type: string): type is ProviderType => (PROVIDER_TYPES as readonly string[]).includes(type);

/** A new provider instance for one metric of one run. Throws UnknownProviderError for an unknown type. */
export function createProvider(type: string, factories: ProviderFactories = PROVIDER_FACTORIES): RunScopedProvider {
  if (!isKnown(type) || !Object.hasOwn(factories, type)) throw new UnknownProviderError(type);
  return factories[type]() as RunScopedProvider;
}
