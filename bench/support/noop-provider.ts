/**
 * A dynamic provider that owns nothing: it exists only to make a stack big. Loaded in the
 * engine's provider host through `ModuleResource`, like the local target's providers.
 */
import type * as pulumi from "@pulumi/pulumi";

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `noop-${inputs.index}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async diff(_id, olds, news) {
    return { changes: JSON.stringify(olds) !== JSON.stringify(news) };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};
