/** Dynamic provider of the simulated cloud's resources: a slot's service and the listener. */
import type * as pulumi from "@pulumi/pulumi";
import type { Slot, Weights } from "../../../model/weights";
import { deleteListener, deleteService, putListener, putService, readCloud } from "./cloud";

export type SimulatedInputs =
  | { readonly kind: "service"; readonly cloudFile: string; readonly slot: Slot; readonly version: string; readonly capacity: number }
  | { readonly kind: "listener"; readonly cloudFile: string; readonly weights: Weights };

function apply(inputs: SimulatedInputs): void {
  if (inputs.kind === "service") putService(inputs.cloudFile, inputs.slot, { version: inputs.version, capacity: inputs.capacity });
  else putListener(inputs.cloudFile, inputs.weights);
}

export const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: SimulatedInputs) {
    apply(inputs);
    return { id: inputs.kind === "service" ? `service-${inputs.slot}` : "listener", outs: inputs };
  },
  async diff(_id: string, olds: SimulatedInputs, news: SimulatedInputs) {
    return { changes: JSON.stringify(olds) !== JSON.stringify(news) };
  },
  async update(_id: string, _olds: SimulatedInputs, news: SimulatedInputs) {
    apply(news);
    return { outs: news };
  },
  async delete(_id: string, props: SimulatedInputs) {
    if (props.kind === "service") deleteService(props.cloudFile, props.slot);
    else deleteListener(props.cloudFile);
  },
  async read(id: string, props: SimulatedInputs) {
    const state = readCloud(props.cloudFile);
    if (props.kind === "service") {
      const service = state.services[props.slot];
      return { id, props: service ? { ...props, ...service } : props };
    }
    return { id, props: state.listener ? { ...props, weights: state.listener.weights } : props };
  },
};
