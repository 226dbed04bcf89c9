import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * Ports are drawn below the kernel's ephemeral range: a port from that range (what binding port 0
 * gives) can be taken a moment later as the local port of any outgoing connection (the load
 * generator's, the engine's gRPC), and the workload that was meant to listen there fails.
 */
function ephemeralStart(): number {
  try {
    return Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const LOW = 20000;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A TCP port on loopback that nothing listens on right now, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  const high = Math.max(LOW + 1000, ephemeralStart() - 1);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (high - LOW));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${LOW} and ${high}`);
}

export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
