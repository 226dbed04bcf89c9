/**
 * Bad input on the `kubernetes` target, against the test cluster through the real provider: an
 * image reference no registry would serve, a namespace that does not exist, a weight the Gateway
 * API's schema refuses. Each is refused with the config key named, and nothing changes: the
 * objects on the API server (their specs and resourceVersions), state and the rollout record are
 * as before. Also the policy pack on a Kubernetes plan.
 */
import assert from "node:assert/strict";
import { startKubeCluster, type KubeCluster } from "../support/kube-cluster";
import { createKubeProject, type KubeProject } from "../support/kube-project";
import type { StackConfigInput } from "../../model/config/stack";

describe("kubernetes target: bad input changes nothing; the policy pack on a Kubernetes plan", function () {
  this.timeout(900_000);
  let cluster: KubeCluster;
  let project: KubeProject;

  before(async function () {
    cluster = await startKubeCluster({ context: "kind-switchyard" });
    project = await createKubeProject("input", cluster);
    const deployed = await project.cli("deploy", "--json");
    assert.equal(deployed.code, 0, deployed.stderr.slice(-3000));
  });

  after(async function () {
    await project?.cleanup();
    await cluster?.stop();
  });

  /** Objects on the API server, state's resources and the rollout record, as they are now. */
  async function everything() {
    const state = await (await project.open()).run("export", (stack) => stack.exportStack());
    const resources = (state.deployment.resources as { urn: string; outputs?: unknown }[]).map((r) => [r.urn, r.outputs]);
    const namespaces = ((await cluster.request("GET", "/api/v1/namespaces")).body.items as { metadata: { name: string } }[]).map((n) => n.metadata.name).sort();
    return { objects: await project.snapshot(), resources, record: await project.rolloutRecord(), namespaces };
  }

  /** Runs `args` with the stack file changed by `change`; expects exit 1 naming `key`; then the file is put back and nothing may have changed. */
  async function refused(change: Partial<StackConfigInput>, key: string, message: RegExp, ...args: string[]) {
    const before = await everything();
    project.writeConfig(change);
    try {
      const result = await project.cli(...(args.length ? args : ["deploy"]), "--json");
      assert.equal(result.code, 1, result.stdout + result.stderr.slice(-2000));
      const { error: { type, message: error } } = JSON.parse(result.stdout) as { error: { type: string; message: string } };
      assert.equal(type, "ConfigError", error);
      assert.ok(error.includes(key), `${key} not named in: ${error}`);
      assert.match(error, message);
    } finally {
      project.writeConfig();
    }
    assert.deepEqual(await everything(), before, "nothing changed: API server objects, state, rollout record");
  }

  const block = (change: Record<string, unknown>) => ({ kubernetes: { ...project.block, ...change } }) as Partial<StackConfigInput>;

  it("an image repository that is no valid reference is refused before the engine, naming switchyard:kubernetes.image", async function () {
    await refused(block({ image: "ghcr.io/Switchyard/Hello World" }), "switchyard:kubernetes.image", /is not a valid image repository/);
  });

  it("a version that is no image tag is refused, naming the slot's version", async function () {
    await refused({ slots: { blue: { version: "1.0.0" }, green: { version: "1.1.0 beta" } } }, "switchyard:slots.green.version", /is the image tag on kubernetes and is not a valid one/);
  });

  it("a namespace that does not exist is refused by asking the API server, naming switchyard:kubernetes.namespace; preview too", async function () {
    await refused(block({ namespace: "no-such-namespace" }), "switchyard:kubernetes.namespace", /does not exist in the cluster of context "kind-switchyard" \(https:\/\/127\.0\.0\.1:\d+\); the stack does not create it/);
    await refused(block({ namespace: "no-such-namespace" }), "switchyard:kubernetes.namespace", /does not exist/, "preview");
  });

  it("a Gateway that does not exist is refused, naming switchyard:kubernetes.gateway.name", async function () {
    await refused(block({ gateway: { ...(project.block.gateway as object), name: "no-such-gateway" } }), "switchyard:kubernetes.gateway.name", /the Gateway gateway-system\/no-such-gateway does not exist/);
  });

  it("a weight the Gateway API's schema refuses (below 0) is refused before it reaches the API server, naming the weight", async function () {
    await refused({ traffic: { blue: 105, green: -5 } }, "switchyard:traffic.green", /must be 0 or more/);
    // What the API server would have said: its own schema refuses it, naming the field.
    const route = await project.route();
    const refusedByServer = await cluster.request(
      "PATCH",
      `/apis/gateway.networking.k8s.io/v1/namespaces/${project.namespace}/httproutes/${route.metadata.name}?dryRun=All`,
      { spec: { rules: [{ backendRefs: [{ name: "hello-blue", port: 80, weight: 105 }, { name: "hello-green", port: 80, weight: -5 }] }] } },
      "application/merge-patch+json",
    );
    assert.equal(refusedByServer.status, 422);
    assert.match(refusedByServer.body.message, /spec\.rules\[0\]\.backendRefs\[1\]\.weight: Invalid value: -5/);
  });

  it("switchyard policy on a Kubernetes plan: a production plan whose first step is 50% is blocked, the rule named; nothing changes", async function () {
    const before = await everything();
    project.writeConfig({ environment: "production", rollout: { steps: [50, 100], bake: "60s" } });
    try {
      const result = await project.cli("policy", "--json");
      assert.equal(result.code, 1, result.stdout.slice(0, 3000) + result.stderr.slice(-2000));
      const report = JSON.parse(result.stdout) as { policy: { blocked: boolean; findings: { rule: string; level: string; why: string }[] } };
      assert.equal(report.policy.blocked, true);
      const firstStep = report.policy.findings.find((v) => v.rule === "rollout-first-step");
      assert.ok(firstStep, JSON.stringify(report.policy.findings));
      assert.equal(firstStep.level, "mandatory");
      assert.match(firstStep.why, /the first step sends 50% of production traffic to the new slot; at most 10% is allowed/);
      assert.ok(!report.policy.findings.some((v) => v.rule === "traffic-weights-valid"), "the HTTPRoute's weights are valid for the Gateway API");
    } finally {
      project.writeConfig();
    }
    assert.deepEqual(await everything(), before);
  });
});
