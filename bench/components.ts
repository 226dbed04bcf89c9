/**
 * How does building blue/green services under Pulumi mocks scale? Builds N AWS environments
 * (ALB, two target groups, two task definitions, two ECS services, listener, providers) at
 * N=50 and N=200, each N in its own child process so that peak RSS (maxRSS) is that run's alone,
 * and prints time(200)/time(50) and mem(200)/mem(50) against the linear expectation 4.0.
 *
 *   node_modules/.bin/node --import tsx bench/components.ts
 */
import { execFileSync } from "node:child_process";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsBlueGreenEnvironment } from "../components/environment/aws";

interface Sample {
  readonly n: number;
  readonly resources: number;
  readonly buildMs: number;
  /** Peak resident set of the whole child process, KiB. */
  readonly maxRssKb: number;
}

const SIZES = [0, 50, 200] as const;

/** Child side: build N environments under mocks and report one Sample as JSON on stdout. */
async function child(n: number): Promise<void> {
  let registered = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered++;
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:bench:${args.name}`, dnsName: `${args.name}.elb`, zoneId: "ZBENCH" } };
      },
      call: (args) => args.inputs,
    },
    "switchyard",
    "bench",
    false,
  );
  // Importing before setMocks is fine: nothing is constructed until here.
  const started = process.hrtime.bigint();
  const provider = new aws.Provider("bench-aws", { region: "us-east-1" });
  const envs = [];
  for (let i = 0; i < n; i++) {
    envs.push(
      new AwsBlueGreenEnvironment(`svc${i}`, {
        provider,
        service: `svc${i}`,
        image: "ecr/bench",
        slots: { blue: { version: "1.0.0", capacity: 2 }, green: { version: "1.1.0", capacity: 2 } },
        weights: { blue: 90, green: 10 },
        healthCheck: { path: "/healthz" },
        network: { vpcId: "vpc-1", subnetIds: ["s1", "s2"], securityGroupIds: ["sg"] },
      }),
    );
  }
  await Promise.all(envs.map((e) => new Promise((resolve) => e.weights.apply(resolve))));
  // Wait for the stragglers (children registered after the outputs resolved).
  for (let last = -1, quiet = 0; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    quiet = registered === last ? quiet + 1 : 0;
    last = registered;
  }
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const sample: Sample = { n, resources: registered, buildMs, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

function runChild(n: number): Sample {
  const out = execFileSync(process.execPath, ["--import", "tsx", __filename, "--child", String(n)], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const line = out.trim().split("\n").pop()!;
  return JSON.parse(line) as Sample;
}

export function main(): { time: number; mem: number; memAboveBaseline: number } {
  const samples = Object.fromEntries(SIZES.map((n) => [n, runChild(n)])) as Record<(typeof SIZES)[number], Sample>;
  for (const s of Object.values(samples)) {
    console.log(`N=${String(s.n).padStart(3)}  resources=${String(s.resources).padStart(5)}  build=${s.buildMs.toFixed(0).padStart(6)} ms  maxRSS=${(s.maxRssKb / 1024).toFixed(1).padStart(7)} MiB`);
  }
  const time = samples[200].buildMs / samples[50].buildMs;
  const mem = samples[200].maxRssKb / samples[50].maxRssKb;
  // RSS includes the SDKs loaded before any build: the growth above N=0 is what scales with N.
  const memAboveBaseline = (samples[200].maxRssKb - samples[0].maxRssKb) / (samples[50].maxRssKb - samples[0].maxRssKb);
  console.log(`time(200)/time(50) = ${time.toFixed(2)}  (linear: 4.0)`);
  console.log(`mem(200)/mem(50)   = ${mem.toFixed(2)}  (linear: 4.0; whole-process peak, dominated by the loaded SDKs)`);
  console.log(`mem above N=0 baseline, 200 vs 50 = ${memAboveBaseline.toFixed(2)}  (linear: 4.0)`);
  return { time, mem, memAboveBaseline };
}

if (require.main === module) {
  const at = process.argv.indexOf("--child");
  if (at >= 0) {
    child(Number(process.argv[at + 1])).catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    main();
  }
}
