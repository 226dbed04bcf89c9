import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadStackConfig, parseStackConfig } from "../../../stacks/load-config";
import { ConfigError } from "../../../model/errors";
import { configProblems } from "../../support/config-problems";

const valid = {
  "switchyard:target": "local",
  "switchyard:service": "hello",
  "switchyard:slots": { blue: { version: "1.0.0" }, green: { version: "1.1.0" } },
  "switchyard:traffic": { blue: 100, green: 0 },
  "switchyard:local": { ports: { listen: 18080, blue: 18081, green: 18082 } },
};

const problems = configProblems;

describe("stack config validation", () => {
  it("accepts the example local stack and fills defaults", () => {
    const config = parseStackConfig(valid, "test");
    assert.equal(config.slots.green.failureRate, 0);
    assert.equal(config.local?.address, "127.0.0.1");
    assert.deepEqual(config.traffic, { blue: 100, green: 0 });
  });

  it("ignores keys of other namespaces", () => {
    assert.doesNotThrow(() => parseStackConfig({ ...valid, "aws:region": "eu-west-1" }, "test"));
  });

  const rejected: Array<[string, Record<string, unknown>, string, RegExp, string?]> = [
    ["weights that do not add up to 100", { "switchyard:traffic": { blue: 90, green: 20 } }, "switchyard:traffic", /add up to 100/, '{"blue":90,"green":20}'],
    ["a weight above 100", { "switchyard:traffic": { blue: 150, green: -50 } }, "switchyard:traffic.blue", /100 or less/, "150"],
    ["a negative weight", { "switchyard:traffic": { blue: 150, green: -50 } }, "switchyard:traffic.green", /0 or more/, "-50"],
    ["a fractional weight", { "switchyard:traffic": { blue: 50.5, green: 49.5 } }, "switchyard:traffic.blue", /whole percentage/, "50.5"],
    ["a weight given as text", { "switchyard:traffic": { blue: "100", green: 0 } }, "switchyard:traffic.blue", /expected number/, '"100"'],
    ["a third slot", { "switchyard:traffic": { blue: 50, green: 50, red: 0 } }, "switchyard:traffic.red", /not a known setting/],
    ["an unknown target", { "switchyard:target": "mainframe" }, "switchyard:target", /must be one of: local/, '"mainframe"'],
    ["a service name that is no DNS label", { "switchyard:service": "Hello_World" }, "switchyard:service", /DNS label/, '"Hello_World"'],
    ["an empty version", { "switchyard:slots": { blue: { version: "" }, green: { version: "1" } } }, "switchyard:slots.blue.version", /must not be empty/, '""'],
    ["a missing slot", { "switchyard:slots": { blue: { version: "1" } } }, "switchyard:slots.green", /expected object/],
    ["a failure rate above 1", { "switchyard:slots": { blue: { version: "1" }, green: { version: "2", failureRate: 1.5 } } }, "switchyard:slots.green.failureRate", /1 or less/, "1.5"],
    ["a misspelt top-level key", { "switchyard:trafic": { blue: 100, green: 0 } }, "switchyard:trafic", /not a known setting/],
    ["a local target without its block", { "switchyard:local": undefined }, "switchyard:local", /required when target is local/],
    ["a privileged port", { "switchyard:local": { ports: { listen: 80, blue: 18081, green: 18082 } } }, "switchyard:local.ports.listen", /1024 or above/, "80"],
    ["two slots on one port", { "switchyard:local": { ports: { listen: 18080, blue: 18081, green: 18081 } } }, "switchyard:local.ports", /must all differ/],
    ["a non-loopback address", { "switchyard:local": { address: "0.0.0.0", ports: { listen: 18080, blue: 18081, green: 18082 } } }, "switchyard:local.address", /loopback/, '"0.0.0.0"'],
  ];

  for (const [what, change, keyPath, message, shownValue] of rejected) {
    it(`rejects ${what}, naming ${keyPath}`, () => {
      const found = problems({ ...valid, ...change });
      const problem = found.find((p) => p.path === keyPath);
      assert.ok(problem, `no problem at ${keyPath}; got ${JSON.stringify(found)}`);
      assert.match(problem.message, message);
      assert.ok(problem.fix.length > 0, "every problem says how to fix it");
      if (shownValue !== undefined) assert.equal(problem.value, shownValue);
    });
  }

  describe("a container target's image and versions", () => {
    const kubernetes = {
      ...valid,
      "switchyard:target": "kubernetes",
      "switchyard:local": undefined,
      "switchyard:kubernetes": { context: "c", namespace: "apps", image: "ghcr.io/org/hello", capacity: { blue: 2, green: 2 }, healthCheck: { path: "/healthz" } },
    };
    const block = (image: string) => ({ ...kubernetes, "switchyard:kubernetes": { ...kubernetes["switchyard:kubernetes"], image } });

    it("accepts registry hosts with ports and the reference grammar's separators", () => {
      for (const image of ["nginx", "localhost:5000/team/app", "123456789012.dkr.ecr.us-east-1.amazonaws.com/hello", "ghcr.io/org/my_app--x.y"]) {
        assert.doesNotThrow(() => parseStackConfig(block(image), "test"), image);
      }
    });

    for (const [what, image] of [["uppercase in the path", "ghcr.io/Org/Hello"], ["a space", "ghcr.io/org/hel lo"], ["an empty path component", "ghcr.io//hello"], ["a leading separator", "ghcr.io/-hello"]]) {
      it(`rejects an image repository with ${what}, naming switchyard:kubernetes.image`, () => {
        const found = problems(block(image!));
        assert.deepEqual(found.map((p) => p.path), ["switchyard:kubernetes.image"]);
        assert.match(found[0]!.message, /is not a valid image repository/);
      });
    }

    it("rejects a slot version that is no image tag, naming the slot; the local target takes any version", () => {
      const found = problems({ ...kubernetes, "switchyard:slots": { blue: { version: "1.0.0 beta" }, green: { version: ".hidden" } } });
      assert.deepEqual(found.map((p) => [p.path, p.value]), [["switchyard:slots.blue.version", '"1.0.0 beta"'], ["switchyard:slots.green.version", '".hidden"']]);
      assert.match(found[0]!.message, /is the image tag on kubernetes and is not a valid one/);
      assert.doesNotThrow(() => parseStackConfig({ ...valid, "switchyard:slots": { blue: { version: "1.0.0 beta" }, green: { version: "1" } } }, "test"));
    });
  });

  it("lists every problem at once", () => {
    const found = problems({ ...valid, "switchyard:service": "X", "switchyard:traffic": { blue: 1, green: 1 } });
    assert.deepEqual(found.map((p) => p.path).sort(), ["switchyard:service", "switchyard:traffic"]);
  });

  it("says how to fix a bad weight sum with a concrete example", () => {
    const [problem] = problems({ ...valid, "switchyard:traffic": { blue: 90, green: 20 } });
    assert.match(problem!.fix, /add up to 100/);
    const error = new ConfigError([problem!], "stacks/Pulumi.x.yaml");
    assert.match(error.message, /stacks\/Pulumi\.x\.yaml: 1 problem/);
    assert.match(error.message, /switchyard:traffic: blue \+ green must add up to 100 \(got \{"blue":90,"green":20\}\)/);
  });
});

describe("loading a stack file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sy-config-"));
    mkdirSync(path.join(dir, "stacks"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("names the missing stack file and how to create it", () => {
    assert.throws(() => loadStackConfig("prod", dir), (error: ConfigError) => {
      assert.equal(error.problems[0]!.path, "--stack");
      assert.match(error.problems[0]!.fix, /create stacks\/Pulumi\.prod\.yaml/);
      return true;
    });
  });

  it("reports YAML syntax errors", () => {
    writeFileSync(path.join(dir, "stacks", "Pulumi.bad.yaml"), "config:\n  switchyard:traffic: {blue: 1\n");
    assert.throws(() => loadStackConfig("bad", dir), /is not valid YAML/);
  });

  it("never echoes a secure value", () => {
    writeFileSync(path.join(dir, "stacks", "Pulumi.s.yaml"), "config:\n  switchyard:service:\n    secure: v1:abcdefsecret\n");
    assert.throws(() => loadStackConfig("s", dir), (error: ConfigError) => {
      assert.doesNotMatch(error.message, /abcdefsecret/);
      assert.equal(error.problems.find((p) => p.path === "switchyard:service")?.value, "[secret]");
      return true;
    });
  });

  it("validates a cloud target's own block, naming its keys", () => {
    const root = path.resolve(__dirname, "..", "..", "..");
    for (const cloud of ["aws", "gcp", "azure", "kubernetes", "multicloud"]) {
      assert.equal(loadStackConfig(cloud, root).config.target, cloud, `stacks/Pulumi.${cloud}.yaml is valid`);
    }
    assert.throws(
      () => parseStackConfig({ ...valid, "switchyard:target": "aws", "switchyard:local": undefined }, "test"),
      (e: ConfigError) => e.problems.some((p) => p.path === "switchyard:aws" && /required when target is aws/.test(p.message)),
    );
    assert.throws(
      () => parseStackConfig({ ...valid, "switchyard:target": "aws", "switchyard:aws": { regionn: "x" } }, "test"),
      (e: ConfigError) => e.problems.some((p) => p.path.startsWith("switchyard:aws")),
    );
  });

  it("refuses the retired scaleDownIdleSlot on every cloud target, saying the driver scales down and which setting times it", () => {
    const root = path.resolve(__dirname, "..", "..", "..");
    for (const cloud of ["aws", "gcp", "azure", "kubernetes"]) {
      const { config } = loadStackConfig(cloud, root);
      const entries = { ...valid, "switchyard:local": undefined, "switchyard:target": cloud, [`switchyard:${cloud}`]: { ...(config as unknown as Record<string, object>)[cloud], scaleDownIdleSlot: { afterSeconds: 600 } } };
      const found = problems(entries).find((p) => p.path === `switchyard:${cloud}.scaleDownIdleSlot`);
      assert.ok(found, `${cloud}: ${JSON.stringify(problems(entries))}`);
      assert.match(found.message, /no longer a setting: the driver scales the idle slot down itself/);
      assert.match(found.fix, /delete it, and set switchyard:rollout\.scaleDownDelay/);
    }
  });

  it("refuses switchyard:driverStatus in a stack file: it belongs to the driver's effective config only", () => {
    const found = problems({ ...valid, "switchyard:driverStatus": { weights: { blue: 50, green: 50 } } }).find((p) => p.path === "switchyard:driverStatus");
    assert.ok(found);
    assert.match(found.fix, /remove it: the driver's status lives in the backend/);
  });

  it("loads the repository's own local stack", () => {
    const { config } = loadStackConfig("local", path.resolve(__dirname, "..", "..", ".."));
    assert.equal(config.target, "local");
  });
});
