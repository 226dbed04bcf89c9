import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { weightsSchema } from "../../model/config/stack";
import { MECHANISM_KINDS, type MechanismKind } from "../../model/mechanism";
import { awsTarget } from "../../stacks/targets/aws";
import { azureTarget } from "../../stacks/targets/azure";
import { gcpTarget } from "../../stacks/targets/gcp";
import { kubernetesTarget } from "../../stacks/targets/kubernetes";
import { multicloudTarget } from "../../stacks/targets/multicloud";
import type { CommonConfig, TargetDefinition } from "../../stacks/targets/types";
import { diffBuilds, promiseOf, settle, useMocks } from "./mocks";

const TARGETS = { aws: awsTarget, gcp: gcpTarget, azure: azureTarget, kubernetes: kubernetesTarget, multicloud: multicloudTarget } as const;
type Name = keyof typeof TARGETS;

function stackFile(name: Name): Record<string, unknown> {
  const file = path.resolve(__dirname, "..", "..", "stacks", `Pulumi.${name}.yaml`);
  return (parseYaml(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

function commonOf(config: Record<string, unknown>): CommonConfig {
  const slots = config["switchyard:slots"] as Record<"blue" | "green", { version: string }>;
  return { service: config["switchyard:service"] as string, slots, traffic: weightsSchema.parse(config["switchyard:traffic"]) };
}

const parseBlock = (name: Name, config: Record<string, unknown>) => (TARGETS[name] as TargetDefinition<typeof TARGETS[Name]["schema"]>).schema.parse(config[`switchyard:${name}`]);
const buildTarget = (name: Name, common: CommonConfig, block: unknown) => (TARGETS[name].build as (c: CommonConfig, b: unknown, s: string) => ReturnType<typeof awsTarget.build>)(common, block, "test");

describe("stack targets", () => {
  before(() => useMocks());

  for (const name of Object.keys(TARGETS) as Name[]) {
    describe(name, () => {
      it(`stacks/Pulumi.${name}.yaml has the common keys and a valid switchyard:${name} block`, () => {
        const config = stackFile(name);
        assert.equal(config["switchyard:target"], name);
        assert.equal(TARGETS[name].name, name);
        const common = commonOf(config);
        assert.match(common.service, /^[a-z][a-z0-9-]+$/);
        assert.ok(common.slots.blue.version && common.slots.green.version);
        const result = TARGETS[name].schema.safeParse(config[`switchyard:${name}`]);
        assert.ok(result.success, JSON.stringify(!result.success && result.error.issues));
        const providerKeys = Object.keys(config).filter((k) => !k.startsWith("switchyard:"));
        assert.ok(providerKeys.length >= 1, "declares the cloud's provider config");
      });
      it("builds under mocks and returns the TargetOutputs contract", async () => {
        const config = stackFile(name);
        const common = commonOf(config);
        const out = buildTarget(name, common, parseBlock(name, config));
        assert.deepEqual(await promiseOf(out.weights as pulumi.Output<unknown>), common.traffic);
        assert.equal(typeof (await promiseOf(out.endpoint as pulumi.Output<string>)), "string");
        assert.equal(await promiseOf(out.slots.green.version as pulumi.Output<string>), common.slots.green.version);
        assert.ok(MECHANISM_KINDS.includes(out.trafficMechanism as MechanismKind), `exports its traffic mechanism, got ${String(out.trafficMechanism)}`);
        const urns = await promiseOf(out.trafficUrns as pulumi.Output<string[]>);
        assert.ok(urns.length >= 1 && urns.every((u) => u.startsWith("urn:pulumi:")));
        if (name === "kubernetes") {
          // Where the objects are, for read-back and health from the API server.
          assert.deepEqual(await promiseOf(out.kubernetes as pulumi.Output<unknown>), {
            context: "kind-switchyard",
            namespace: "apps",
            deployments: { blue: "hello-blue", green: "hello-green" },
            services: { blue: "hello-blue", green: "hello-green" },
            route: "hello-traffic",
          });
        } else {
          const dr = out.dr as { failover: pulumi.Output<{ primary: string; standby: string }> };
          const failover = await promiseOf(dr.failover);
          assert.ok(failover.primary && failover.standby && failover.primary !== failover.standby);
        }
        await settle();
      });
      it("a change of switchyard:traffic changes only the traffic resources' inputs", async () => {
        const config = stackFile(name);
        const common = commonOf(config);
        const block = parseBlock(name, config);
        const { changed, all } = await diffBuilds((v) => void buildTarget(name, { ...common, traffic: v ? { blue: 95, green: 5 } : { blue: 100, green: 0 } }, block));
        assert.ok(all.length > 6, `a full graph, got ${all.length}`);
        const traffic = /::(.*-traffic-(listener|urlmap|route|blue|green|profile))$/;
        assert.ok(changed.length >= 1);
        for (const key of changed) assert.match(key, traffic, `${key} changed with the weights`);
      });
      it("the driver's scale-down of green (CommonConfig.scaledDown) changes only green's own resources, never traffic", async () => {
        const config = stackFile(name);
        const common = { ...commonOf(config), traffic: { blue: 100, green: 0 } };
        const block = parseBlock(name, config);
        const { changed } = await diffBuilds((v) => void buildTarget(name, { ...common, scaledDown: v ? "green" : undefined }, block));
        assert.ok(changed.length >= 1, "scaling green down changes something");
        for (const key of changed) {
          assert.match(key, /green/, `${key} changed with green's scale-down`);
          assert.doesNotMatch(key, /-traffic-/, `${key}: a scale-down must not touch traffic`);
        }
      });
    });
  }

  describe("schema errors are clear", () => {
    const messages = (name: Name, block: unknown) => {
      const result = TARGETS[name].schema.safeParse(block);
      assert.equal(result.success, false);
      return result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    it("rejects a standby in the primary's own region", () => {
      const block = structuredClone(stackFile("aws")["switchyard:aws"]) as { dr: { standbyRegion: string } };
      block.dr.standbyRegion = "us-east-1";
      assert.ok(messages("aws", block).some((m) => m.startsWith("dr.standbyRegion: must differ from region")));
    });
    it("rejects an image with a tag, an unknown key and a missing health check", () => {
      const block = { ...(stackFile("kubernetes")["switchyard:kubernetes"] as object), image: "ghcr.io/x/hello:1.0", healthCheck: undefined, replicas: 3 };
      const found = messages("kubernetes", block);
      assert.ok(found.some((m) => m.startsWith("image: must not carry a tag")), found.join("\n"));
      assert.ok(found.some((m) => m.startsWith("healthCheck: is required")), found.join("\n"));
      assert.ok(found.some((m) => /Unrecognized key/i.test(m)), found.join("\n"));
    });
    it("rejects a kubernetes gateway endpoint that is no http(s) URL", () => {
      const block = structuredClone(stackFile("kubernetes")["switchyard:kubernetes"]) as { gateway: { endpoint?: string } };
      block.gateway.endpoint = "hello.example.com:8443";
      assert.ok(messages("kubernetes", block).some((m) => m.startsWith("gateway.endpoint: must be an http:// or https:// URL")), messages("kubernetes", block).join("\n"));
      block.gateway.endpoint = "https://hello.example.com:8443";
      assert.ok(kubernetesTarget.schema.safeParse(block).success);
    });
    it("rejects Traffic Manager with an unsupported probe interval", () => {
      const block = { ...(stackFile("azure")["switchyard:azure"] as object), traffic: "traffic-manager", healthCheck: { path: "/healthz", intervalSeconds: 15 } };
      assert.ok(messages("azure", block).some((m) => m.startsWith("healthCheck.intervalSeconds: Traffic Manager probes every 10 or 30 seconds")));
    });
  });
});
