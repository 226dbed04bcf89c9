/**
 * Dynamic providers whose implementation lives in a TypeScript module of this repository.
 *
 * Pulumi serializes a dynamic provider's functions into state and runs them in a separate
 * provider host. Serializing whole modules is brittle, so the serialized part is this thin shim:
 * it captures only the module's absolute path, registers tsx in the host and requires the module
 * there. The shim works under the driver's inline program and under a plain `pulumi up` alike.
 */
import type * as pulumi from "@pulumi/pulumi";

type Provider = pulumi.dynamic.ResourceProvider;

export function providerFromModule(modulePath: string): Provider {
  const load = (): Required<Pick<Provider, "create" | "read" | "diff" | "update" | "delete">> => {
    const host = globalThis as { __switchyardTsx?: unknown };
    if (!host.__switchyardTsx) host.__switchyardTsx = require("tsx/cjs/api").register();
    return require(modulePath).provider;
  };
  return {
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    diff: (id, olds, news) => load().diff(id, olds, news),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
  };
}

/** Names of the keys whose values differ between two plain objects (deep, by JSON). */
export function changedKeys<T extends object>(olds: T, news: T, keys: readonly (keyof T)[]): (keyof T)[] {
  return keys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
}
