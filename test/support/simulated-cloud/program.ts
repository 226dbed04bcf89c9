/**
 * A Pulumi program that builds the simulated cloud from Switchyard's config exactly as a cloud
 * target does: the run's intent and driver status come from stacks/program.ts `runInputs`, and
 * each slot's capacity from components/environment/slots.ts `slotCapacities`, the function every
 * cloud BlueGreenEnvironment uses. Only the resources differ: the simulated cloud's, not AWS's.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { ModuleResource } from "../../../components/local/dynamic";
import { slotCapacities } from "../../../components/environment/slots";
import { SLOTS, type Slot, type Weights } from "../../../model/weights";
import { runInputs } from "../../../stacks/program";
import type { SimulatedInputs } from "./provider";

const providerModule = path.join(__dirname, "provider.ts");

type Inputs<T> = { readonly [K in keyof T]: pulumi.Input<T[K]> };

class SimulatedResource extends ModuleResource {
  declare readonly version: pulumi.Output<string>;
  declare readonly weights: pulumi.Output<Weights>;
  constructor(name: string, args: Inputs<SimulatedInputs>, opts?: pulumi.CustomResourceOptions) {
    super(providerModule, name, { version: undefined, weights: undefined, ...args }, opts, "simulated", args.kind === "service" ? "Service" : "Listener");
  }
}

/** Instances a slot runs while it may take traffic. */
export const SIMULATED_CAPACITY = 2;

export function simulatedCloudProgram(cloudFile: string): PulumiFn {
  return async () => {
    const { config, common } = runInputs();
    const weights = pulumi.output(common.traffic);
    const slots = { blue: { version: common.slots.blue.version, capacity: SIMULATED_CAPACITY }, green: { version: common.slots.green.version, capacity: SIMULATED_CAPACITY } };
    const capacities = slotCapacities("SimulatedEnvironment", weights, slots, common.scaledDown);
    const services = Object.fromEntries(
      SLOTS.map((slot) => [slot, new SimulatedResource(`${common.service}-${slot}`, { kind: "service", cloudFile, slot, version: slots[slot].version, capacity: capacities[slot] })]),
    ) as Record<Slot, SimulatedResource>;
    // The listener references both slots' services, so an update changes capacity first.
    const listener = new SimulatedResource(`${common.service}-traffic-listener`, { kind: "listener", cloudFile, weights }, { dependsOn: Object.values(services) });
    return {
      target: config.target,
      service: config.service,
      weights: listener.weights,
      slots: { blue: { version: services.blue.version }, green: { version: services.green.version } },
      trafficUrns: [listener.urn],
      trafficMechanism: "aws-alb",
    };
  };
}
