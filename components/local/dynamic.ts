/**
 * Dynamic resources whose provider lives in a TypeScript module of this repository.
 *
 * Pulumi runs a dynamic provider in a separate provider host, from a text kept in each
 * resource's `__provider` input: the host evaluates it and calls its `handler()` for the
 * provider. `pulumi.dynamic.Resource` produces that text by serializing a closure, and its
 * serializer loads the TypeScript compiler into the program's process to do so: about a second
 * and well over 100 MB on every run that declares a dynamic resource. Here the text is written
 * directly instead: it captures only the module's absolute path, registers tsx in the host and
 * requires the module there. It works under the driver's inline program and under a plain
 * `pulumi up` alike; the type token and the engine protocol are those of `pulumi.dynamic.Resource`.
 */
import * as pulumi from "@pulumi/pulumi";

/** The provider text for `modulePath`, whose `provider` export implements the resource. */
export function providerSource(modulePath: string): string {
  return [
    "exports.handler = function () {",
    "  const host = globalThis;",
    '  if (!host.__switchyardTsx) host.__switchyardTsx = require("tsx/cjs/api").register();',
    `  return require(${JSON.stringify(modulePath)}).provider;`,
    "};",
    "",
  ].join("\n");
}

/** A resource of type `pulumi-nodejs:dynamic/<module>:<type>` whose provider is `modulePath`'s `provider` export. */
export abstract class ModuleResource extends pulumi.CustomResource {
  constructor(modulePath: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, module: string, type: string) {
    if ("__provider" in props) throw new Error(`${type} ${name}: a dynamic resource must not define the __provider input`);
    super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: providerSource(modulePath) }, opts);
  }
}

/** Names of the keys whose values differ between two plain objects (deep, by JSON). */
export function changedKeys<T extends object>(olds: T, news: T, keys: readonly (keyof T)[]): (keyof T)[] {
  return keys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
}

/**
 * A read-back value that state has never held (state written before read-back existed) is
 * reported only when it shows a fault: a healthy stack then refreshes without a change, and a
 * broken one still shows its fault as a changed property.
 */
export function newKeysOnlyWhenFaulty<T extends object>(state: T, found: T, healthy: Partial<T>): T {
  const out = { ...found };
  for (const key of Object.keys(healthy) as (keyof T)[]) {
    if (state[key] === undefined && JSON.stringify(found[key]) === JSON.stringify(healthy[key])) delete out[key];
  }
  return out;
}
