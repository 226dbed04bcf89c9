/** A run's effective config: the stack file as written plus the driver's status, nothing lost. */
import assert from "node:assert/strict";
import type { UpdateSummary } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { effectiveConfigText } from "../../../automation/effective-config";
import { releaseConfigOf } from "../../../automation/releases/ledger";

const STACK_FILE = `# people's comment
secretsprovider: passphrase
config:
  switchyard:target: local
  switchyard:active: green
  switchyard:analysis:
    metrics:
      - name: m
        provider: {type: webhook, url: {secure: v1:abc}}
encryptionsalt: v1:salt
`;

describe("a run's effective config file", () => {
  it("keeps the file's secrets, salt and provider as written and adds the status", () => {
    const doc = parse(effectiveConfigText(STACK_FILE, { rollout: "r-1", weights: { blue: 90, green: 10 } }));
    assert.equal(doc.encryptionsalt, "v1:salt");
    assert.equal(doc.secretsprovider, "passphrase");
    assert.deepEqual(doc.config["switchyard:analysis"].metrics[0].provider.url, { secure: "v1:abc" });
    assert.deepEqual(doc.config["switchyard:driverStatus"], { rollout: "r-1", weights: { blue: 90, green: 10 } });
  });
  it("has no status when the driver has none, even if a stale one was there", () => {
    const stale = effectiveConfigText(STACK_FILE, { scaledDown: "blue" });
    assert.equal(parse(effectiveConfigText(stale, undefined)).config["switchyard:driverStatus"], undefined);
  });
  it("adds the status to a stack file with no config, or an empty one", () => {
    for (const text of ["", "config:\n", "secretsprovider: passphrase\n"]) {
      assert.deepEqual(parse(effectiveConfigText(text, { scaledDown: "blue" })).config, { "switchyard:driverStatus": { scaledDown: "blue" } }, JSON.stringify(text));
      assert.doesNotThrow(() => effectiveConfigText(text, undefined));
    }
  });
});

describe("the release an update applied, from Pulumi's history", () => {
  const update = (config: Record<string, unknown>) =>
    ({ config: Object.fromEntries(Object.entries(config).map(([key, value]) => [`switchyard:${key}`, { value: JSON.stringify(value), secret: false }])) }) as unknown as UpdateSummary;
  it("is the file's release with the status's weights during a step", () => {
    const applied = releaseConfigOf(update({ slots: { blue: { version: "1" }, green: { version: "2" } }, active: "green", driverStatus: { weights: { blue: 50, green: 50 } } }), ["slots", "traffic", "active"]);
    assert.deepEqual(applied, { slots: { blue: { version: "1" }, green: { version: "2" } }, active: "green", traffic: { blue: 50, green: 50 } });
  });
  it("is the re-applied release when the status carried one (a rollback), not the file's", () => {
    const applied = releaseConfigOf(
      update({ slots: { blue: { version: "1" }, green: { version: "2" } }, active: "green", driverStatus: { release: { slots: { blue: { version: "1" }, green: { version: "0.9" } }, active: "blue" } } }),
      ["slots", "traffic", "active"],
    );
    assert.deepEqual(applied, { slots: { blue: { version: "1" }, green: { version: "0.9" } }, active: "blue", traffic: { blue: 100, green: 0 } });
  });
  it("puts all traffic on active for an update without status, whatever traffic an earlier driver left in the file", () => {
    const applied = releaseConfigOf(update({ slots: { blue: { version: "1" }, green: { version: "2" } }, active: "green", traffic: { blue: 100, green: 0 } }), ["slots", "traffic", "active"]);
    assert.deepEqual(applied.traffic, { blue: 0, green: 100 });
  });
});
