/**
 * What of the local target can outlive its stack: processes the engine no longer knows (a state
 * lost or dropped by a refresh while the process kept running) and ports something still
 * listens on. `destroy` sweeps the first and checks the second, so that "destroyed" means
 * nothing of the stack serves on this machine any more.
 */
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import * as path from "node:path";
import { stopProcess } from "../../components/local/processes";
import { workloadMarker } from "../../components/local/workload-provider";

export interface LocalFootprint {
  readonly service: string;
  readonly address: string;
  /** HAProxy's port, and its slots' (none for a two-region stack's front, which routes to HAProxies). */
  readonly ports: { readonly listen: number; readonly blue?: number; readonly green?: number };
  readonly runDir: string;
}

export interface Leftover {
  readonly pid: number;
  readonly marker: string;
  readonly what: string;
}

function commandLines(): { pid: number; cmd: string }[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        return [{ pid: Number(entry), cmd: readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ") }];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/** Markers that tie a process to this stack: the workloads' own marker, HAProxy's config path. */
export function markersOf(footprint: LocalFootprint): { marker: string; what: string }[] {
  return [
    ...(["blue", "green"] as const).flatMap((slot) => {
      const port = footprint.ports[slot];
      return port === undefined ? [] : [{ marker: workloadMarker({ service: footprint.service, slot, port }), what: `workload ${footprint.service}/${slot}` }];
    }),
    { marker: path.join(footprint.runDir, "haproxy.cfg"), what: `HAProxy of ${footprint.service}` },
  ];
}

export function findLeftovers(footprint: LocalFootprint): Leftover[] {
  const markers = markersOf(footprint);
  return commandLines().flatMap(({ pid, cmd }) =>
    pid === process.pid ? [] : markers.filter((m) => cmd.includes(m.marker)).map((m) => ({ pid, ...m })),
  );
}

export async function stopLeftovers(footprint: LocalFootprint): Promise<Leftover[]> {
  const found = findLeftovers(footprint);
  for (const leftover of found) await stopProcess(leftover.pid, leftover.marker, "SIGTERM", 5000);
  return found;
}

/** Whether something accepts connections at address:port (a second at most). */
export function listens(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 1000 });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.on("connect", () => done(true));
    socket.on("timeout", () => done(false));
    socket.on("error", () => done(false));
  });
}

/** The stack's ports that something still accepts connections on. */
export async function portsStillListening(footprint: LocalFootprint): Promise<number[]> {
  const ports = [footprint.ports.listen, footprint.ports.blue, footprint.ports.green].filter((port): port is number => port !== undefined);
  const answers = await Promise.all(ports.map((port) => listens(footprint.address, port)));
  return ports.filter((_, i) => answers[i]);
}
