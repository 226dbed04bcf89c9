/**
 * What do the components cost over raw Pulumi, and how does that scale? Builds N AWS blue/green
 * services under Pulumi mocks at N=0, 50 and 200, twice: with AwsBlueGreenEnvironment (ALB, two
 * target groups, two task definitions, two ECS services, listener, under two components) and as a
 * raw Pulumi user would write the same cloud resources (support/raw-aws-service.ts). Each build
 * runs in its own child process so that peak RSS (maxRSS) is that build's alone. Prints
 * components/raw for time and memory at N=200 against the goal (<= 1.2x), and
 * time(200)/time(50), mem(200)/mem(50) against the linear expectation 4.0. Before measuring, a
 * small unmeasured build of each fingerprints every cloud resource (type, name, provider, inputs)
 * to show that both construct the same ones.
 *
 *   node_modules/.bin/node --import tsx bench/components.ts
 *   SWITCHYARD_BENCH_REPS (default 3): builds per variant and N; medians are printed. Wall time
 *   on a shared machine varies by tens of percent between runs; CPU time and the medians much less.
 */
import { execFileSync } from "node:child_process";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsBlueGreenEnvironment } from "../components/environment/aws";
import { buildRawAwsService, type RawServiceArgs } from "./support/raw-aws-service";
import { compareCensus, installCensusMocks, type Census } from "./support/resource-census";
import { median } from "./support/stats";

const VARIANTS = ["components", "raw"] as const;
type Variant = (typeof VARIANTS)[number];

interface Sample {
  readonly variant: Variant;
  readonly n: number;
  readonly census: Census;
  readonly buildMs: number;
  /** CPU time of the build (user + system, all threads): less disturbed by other load than wall time. */
  readonly cpuMs: number;
  /** Peak resident set of the whole child process, KiB. */
  readonly maxRssKb: number;
}

const SIZES = [0, 50, 200] as const;
const AT = 200;
const GOAL = 1.2;
/** Services of the fingerprint builds: every service is built by the same loop body. */
const FINGERPRINT_N = 3;

const serviceArgs = (i: number, provider: aws.Provider): RawServiceArgs => ({
  provider,
  service: `svc${i}`,
  image: "ecr/bench",
  slots: { blue: { version: "1.0.0", capacity: 2 }, green: { version: "1.1.0", capacity: 2 } },
  weights: { blue: 90, green: 10 },
  healthCheck: { path: "/healthz" },
  network: { vpcId: "vpc-1", subnetIds: ["s1", "s2"], securityGroupIds: ["sg"] },
});

function build(variant: Variant, n: number): void {
  const provider = new aws.Provider("bench-aws", { region: "us-east-1" });
  for (let i = 0; i < n; i++) {
    if (variant === "components") new AwsBlueGreenEnvironment(`svc${i}`, serviceArgs(i, provider));
    else buildRawAwsService(`svc${i}`, serviceArgs(i, provider));
  }
}

/** Child side: build N services under mocks and report one Sample as JSON on stdout. */
async function child(variant: Variant, n: number, fingerprint: boolean): Promise<void> {
  // Importing before setMocks is fine: nothing is constructed until here.
  const census = await installCensusMocks({ fingerprint });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  build(variant, n);
  // Every registration (and every component's registerOutputs) holds an RPC open until it is done.
  await pulumi.runtime.disconnect();
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const sample: Sample = { variant, n, census: census(), buildMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

function runChild(variant: Variant, n: number, fingerprint = false): Sample {
  const args = ["--import", "tsx", __filename, "--child", variant, String(n), ...(fingerprint ? ["--fingerprint"] : [])];
  const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split("\n").pop()!) as Sample;
}

export interface ComponentsFigures {
  readonly at: number;
  readonly cloudResources: Record<Variant, number>;
  readonly componentResources: number;
  readonly sameResources: boolean;
  /** components/raw at N=200. */
  readonly timeRatio: number;
  readonly memRatio: number;
  /** components/raw of the peak RSS above N=0 (the SDKs loaded before any build taken out). */
  readonly memAboveBaselineRatio: number;
  readonly cpuRatio: number;
  readonly medians: Record<Variant, Record<number, { buildMs: number; cpuMs: number; maxRssKb: number }>>;
  readonly scaling: { time: number; cpu: number; mem: number; memAboveBaseline: number };
}

const verdict = (ratio: number) => (ratio <= GOAL ? "meets" : "misses");
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

export function main(): ComponentsFigures {
  const reps = Math.max(1, Math.floor(Number(process.env.SWITCHYARD_BENCH_REPS) || 3));
  const [fc, fr] = VARIANTS.map((v) => runChild(v, FINGERPRINT_N, true));
  const fair = compareCensus({ label: "components", census: fc!.census }, { label: "raw", census: fr!.census });
  console.log(
    fair.same
      ? `same cloud resources: at N=${FINGERPRINT_N} both builds register the same ${fc!.census.custom} (type, name, provider, inputs)`
      : `NOT the same cloud resources at N=${FINGERPRINT_N}, so the comparison is unfair:\n${fair.lines.join("\n")}`,
  );

  const samples: Sample[] = [];
  // Interleaved, so that a slow spell of the (shared) machine hits both variants alike.
  for (let rep = 0; rep < reps; rep++) {
    for (const n of SIZES) {
      for (const variant of VARIANTS) {
        const s = runChild(variant, n);
        samples.push(s);
        console.log(
          `${variant.padEnd(10)} N=${String(n).padStart(3)}  cloud=${String(s.census.custom).padStart(5)}  components=${String(s.census.components).padStart(4)}  build=${s.buildMs.toFixed(0).padStart(6)} ms  cpu=${s.cpuMs.toFixed(0).padStart(6)} ms  maxRSS=${mib(s.maxRssKb).padStart(10)}`,
        );
      }
    }
  }
  const pick = (variant: Variant, n: number) => samples.filter((s) => s.variant === variant && s.n === n);
  const medians = Object.fromEntries(
    VARIANTS.map((v) => [v, Object.fromEntries(SIZES.map((n) => [n, { buildMs: median(pick(v, n).map((s) => s.buildMs)), cpuMs: median(pick(v, n).map((s) => s.cpuMs)), maxRssKb: median(pick(v, n).map((s) => s.maxRssKb)) }]))]),
  ) as ComponentsFigures["medians"];
  const c = medians.components;
  const r = medians.raw;
  const [c200, r200] = [pick("components", AT)[0]!, pick("raw", AT)[0]!];
  const counted = compareCensus({ label: "components", census: c200.census }, { label: "raw", census: r200.census });

  console.log(`\nat N=${AT}${reps > 1 ? ` (medians of ${reps})` : ""}:`);
  console.log(
    `cloud resources: components ${c200.census.custom}, raw ${r200.census.custom}` +
      (counted.same ? " (equal)" : ` (NOT equal:\n${counted.lines.join("\n")})`) +
      `; the components also register ${c200.census.components} component resources (${Object.entries(c200.census.componentsByType).map(([t, k]) => `${k} ${t.split(":").pop()}`).join(", ")})`,
  );
  const timeRatio = c[AT]!.buildMs / r[AT]!.buildMs;
  const cpuRatio = c[AT]!.cpuMs / r[AT]!.cpuMs;
  const memRatio = c[AT]!.maxRssKb / r[AT]!.maxRssKb;
  const memAboveBaselineRatio = (c[AT]!.maxRssKb - c[0]!.maxRssKb) / (r[AT]!.maxRssKb - r[0]!.maxRssKb);
  console.log(`time   components/raw = ${timeRatio.toFixed(2)}  (${c[AT]!.buildMs.toFixed(0)} / ${r[AT]!.buildMs.toFixed(0)} ms; goal <= ${GOAL}: ${verdict(timeRatio)})`);
  console.log(`cpu    components/raw = ${cpuRatio.toFixed(2)}  (${c[AT]!.cpuMs.toFixed(0)} / ${r[AT]!.cpuMs.toFixed(0)} ms of CPU; goal <= ${GOAL}: ${verdict(cpuRatio)})`);
  console.log(`memory components/raw = ${memRatio.toFixed(2)}  (${mib(c[AT]!.maxRssKb)} / ${mib(r[AT]!.maxRssKb)} peak RSS; goal <= ${GOAL}: ${verdict(memRatio)})`);
  console.log(`memory above N=0, components/raw = ${memAboveBaselineRatio.toFixed(2)}  (what the builds add to the loaded SDKs; goal <= ${GOAL}: ${verdict(memAboveBaselineRatio)})`);

  const scaling = {
    time: c[200]!.buildMs / c[50]!.buildMs,
    cpu: c[200]!.cpuMs / c[50]!.cpuMs,
    mem: c[200]!.maxRssKb / c[50]!.maxRssKb,
    // RSS includes the SDKs loaded before any build: the growth above N=0 is what scales with N.
    memAboveBaseline: (c[200]!.maxRssKb - c[0]!.maxRssKb) / (c[50]!.maxRssKb - c[0]!.maxRssKb),
  };
  console.log(`\ncomponents, time(200)/time(50) = ${scaling.time.toFixed(2)}  (linear: 4.0)`);
  console.log(`components, cpu(200)/cpu(50)   = ${scaling.cpu.toFixed(2)}  (linear: 4.0)`);
  console.log(`components, mem(200)/mem(50)   = ${scaling.mem.toFixed(2)}  (linear: 4.0; whole-process peak, dominated by the loaded SDKs)`);
  console.log(`components, mem above N=0 baseline, 200 vs 50 = ${scaling.memAboveBaseline.toFixed(2)}  (linear: 4.0)`);
  return {
    at: AT,
    cloudResources: { components: c200.census.custom, raw: r200.census.custom },
    componentResources: c200.census.components,
    sameResources: fair.same && counted.same,
    timeRatio,
    cpuRatio,
    memRatio,
    memAboveBaselineRatio,
    medians,
    scaling,
  };
}

if (require.main === module) {
  const at = process.argv.indexOf("--child");
  if (at >= 0) {
    const variant = process.argv[at + 1] as Variant;
    if (!VARIANTS.includes(variant)) throw new Error(`--child takes one of ${VARIANTS.join(", ")}, got ${variant}`);
    child(variant, Number(process.argv[at + 2]), process.argv.includes("--fingerprint")).catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    main();
  }
}
