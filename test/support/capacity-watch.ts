/**
 * Watches the local target the way an operator's dashboard would: HAProxy's live weights and
 * whether each slot's process answers. A sample with weight on a slot that answered neither just
 * before nor just after the weights were read is weight on zero capacity. (A slot cannot come up
 * and go down again within one sample: the scale-down waits for scaleDownDelay.)
 */
import { httpGet } from "../../components/local/http-probe";
import { SLOTS, type Slot, type Weights } from "../../model/weights";

export interface CapacitySample {
  readonly weights: Weights;
  readonly up: Record<Slot, boolean>;
}

export interface CapacityWatch {
  /** Stops, and returns every sample and those with weight on a slot that runs nothing. */
  stop(): Promise<{ samples: number; weightOnNothing: CapacitySample[]; sawDown: Slot[] }>;
}

export function watchCapacity(readWeights: () => Promise<Weights>, ports: Record<Slot, number>, everyMs = 100): CapacityWatch {
  const answers = async (slot: Slot) => (await httpGet(`http://127.0.0.1:${ports[slot]}/healthz`, 300)) !== undefined;
  const upNow = async () => Object.fromEntries(await Promise.all(SLOTS.map(async (slot) => [slot, await answers(slot)] as const))) as Record<Slot, boolean>;
  const weightOnNothing: CapacitySample[] = [];
  const sawDown = new Set<Slot>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const before = await upNow();
      const weights = await readWeights().catch(() => undefined);
      const after = await upNow();
      if (weights) {
        samples++;
        const up = { blue: before.blue || after.blue, green: before.green || after.green };
        for (const slot of SLOTS) if (!up[slot]) sawDown.add(slot);
        if (SLOTS.some((slot) => weights[slot] > 0 && !up[slot])) weightOnNothing.push({ weights, up });
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { samples, weightOnNothing, sawDown: [...sawDown] };
    },
  };
}
