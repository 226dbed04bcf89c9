import assert from "node:assert/strict";
import { inspect } from "node:util";
import { parseStackConfig } from "../../../stacks/load-config";
import { ConfigError } from "../../../model/errors";
import { describeInput, redactInput } from "../../../model/secrets/redact";
import { plaintextCredentials } from "../../../model/secrets/plaintext";
import { plaintextCredentialsOf } from "../../../model/secrets/program-output";
import { mapSecrets, plain, scrub, Secret, secretValues } from "../../../model/secrets/secret";
import { plaintextWarnings } from "../../../model/secrets/warnings";

const TOKEN = "sy-unit-secret-51e0";
const base = {
  "switchyard:target": "local",
  "switchyard:service": "hello",
  "switchyard:slots": { blue: { version: "1" }, green: { version: "2" } },
  "switchyard:traffic": { blue: 100, green: 0 },
  "switchyard:local": { ports: { listen: 20000, blue: 20001, green: 20002 } },
};
const withProvider = (provider: object) => ({ ...base, "switchyard:analysis": { metrics: [{ name: "m", provider, successCondition: { max: 1 } }] } });

describe("secrets: a Secret never prints", () => {
  const secret = new Secret(["analysis", "metrics", 0, "provider", "url"], TOKEN);
  it("in String, JSON and inspect", () => {
    for (const text of [String(secret), `${secret}`, JSON.stringify({ secret }), inspect({ secret })]) assert.ok(!text.includes(TOKEN), text);
  });
  it("gives its value only to plain()", () => assert.equal(plain(secret), TOKEN));
  it("names its path in --path syntax", () => assert.equal(secret.path, "analysis.metrics[0].provider.url"));
  it("refuses to reveal before decryption", () => assert.throws(() => new Secret(["a"]).reveal(), /switchyard:a is a secret that was not decrypted/));
  it("scrubs free text of decrypted values", () => {
    const tree = mapSecrets({ a: [new Secret(["a", 0])] }, (s) => s.withValue(TOKEN));
    assert.deepEqual(secretValues(tree), [TOKEN]);
    assert.equal(scrub(`rejected ${TOKEN}!`, secretValues(tree)), "rejected [secret]!");
  });
});

describe("secrets: stack config accepts Pulumi secrets where credentials go", () => {
  const cases: [string, object][] = [
    ["an http header", { type: "http", headers: { Authorization: { secure: "v1:abc" } } }],
    ["an http URL", { type: "http", url: { secure: "v1:abc" } }],
    ["a prometheus address and header", { type: "prometheus", address: { secure: "v1:abc" }, query: "up", headers: { "X-Token": { secure: "v1:x" } } }],
    ["a command env value", { type: "command", argv: ["true"], env: { API_TOKEN: { secure: "v1:abc" } } }],
    ["a webhook URL", { type: "webhook", url: { secure: "v1:abc" } }],
  ];
  for (const [what, provider] of cases) {
    it(`in ${what}`, () => {
      const config = parseStackConfig(withProvider(provider), "test");
      const found = JSON.stringify(config.analysis);
      assert.match(found, /\[secret\]/);
      assert.doesNotMatch(found, /v1:/);
    });
  }
  it("still checks plaintext values of those settings", () =>
    assert.throws(() => parseStackConfig(withProvider({ type: "webhook", url: "ftp://x" }), "test"), /switchyard:analysis\.metrics\.0\.provider\.url: must be an absolute http/));
  it("says which settings may be secrets when another one is", () =>
    assert.throws(
      () => parseStackConfig({ ...base, "switchyard:service": { secure: "v1:abc" } }, "test"),
      (e: ConfigError) => /only credentials can be secrets/.test(e.problems[0]!.message) && e.problems[0]!.value === "[secret]",
    ));
  it("a provider typo echoes the provider without header values, env values or URL tokens", () =>
    assert.throws(
      () => parseStackConfig(withProvider({ type: "htp", url: `https://u:${TOKEN}@h/x?token=${TOKEN}`, headers: { A: TOKEN }, env: { B: TOKEN } }), "test"),
      (e: ConfigError) => {
        assert.ok(!e.message.includes(TOKEN), e.message);
        assert.match(e.message, /type must be one of/);
        return true;
      },
    ));
});

describe("secrets: redaction of echoed input", () => {
  const table: [unknown, string, unknown][] = [
    [{ secure: "v1:x" }, "service", "[secret]"],
    ["Bearer x", "analysis.metrics[0].provider.headers.Authorization", "[secret]"],
    ["x", "analysis.metrics[0].provider.env.LOG_LEVEL", "[secret]"],
    [{ type: "htp", env: { A: "x" } }, "analysis.metrics[0].provider", { type: "htp", env: "[secret]" }],
    ["https://u:pw@h/p?q=1", "analysis.metrics[0].provider.url", "https://[secret]@h/p?[secret]"],
    ["blue", "active", "blue"],
  ];
  for (const [value, path, expected] of table) it(`${JSON.stringify(value)} at ${path}`, () => assert.deepEqual(redactInput(value, path), expected));
  it("describes a redacted value without quotes", () => assert.equal(describeInput({ secure: "v1:x" }, "service"), "[secret]"));
});

describe("secrets: plaintext credentials in a stack file", () => {
  const table: [string, Record<string, unknown>, string[]][] = [
    ["an Authorization header", { analysis: { metrics: [{ provider: { headers: { Authorization: "Bearer x", Accept: "json" } } }] } }, ["analysis.metrics[0].provider.headers.Authorization"]],
    ["an env token", { analysis: { metrics: [{ provider: { env: { API_TOKEN: "x", LOG_LEVEL: "debug" } } }] } }, ["analysis.metrics[0].provider.env.API_TOKEN"]],
    ["a URL with a password", { analysis: { metrics: [{ provider: { address: "https://u:p@prom/" } }] } }, ["analysis.metrics[0].provider.address"]],
    ["a URL with a token query", { analysis: { metrics: [{ provider: { url: "https://h/x?api_key=1" } }] } }, ["analysis.metrics[0].provider.url"]],
    ["nothing encrypted is reported", { analysis: { metrics: [{ provider: { headers: { Authorization: { secure: "v1:x" } } } }] } }, []],
    ["an ordinary URL", { analysis: { metrics: [{ provider: { url: "https://h/x?limit=1" } }] } }, []],
  ];
  for (const [what, values, expected] of table) it(what, () => assert.deepEqual(plaintextCredentials(values), expected));

  it("warns with the key and the encrypting command, never the value, except for local", () => {
    const values = { analysis: { metrics: [{ provider: { headers: { Authorization: `Bearer ${TOKEN}` } } }] } };
    const [warning, ...rest] = plaintextWarnings(values, "stacks/Pulumi.prod.yaml", { stack: "prod", workDir: "/srv/app", env: {} });
    assert.equal(rest.length, 0);
    assert.match(warning!, /switchyard:analysis\.metrics\[0\]\.provider\.headers\.Authorization in stacks\/Pulumi\.prod\.yaml/);
    assert.match(warning!, /PULUMI_HOME=\S+ PULUMI_BACKEND_URL=\S+ \S*pulumi config set --secret --path 'switchyard:analysis\.metrics\[0\]\.provider\.headers\.Authorization' --stack prod --cwd \/srv\/app/);
    assert.ok(!warning!.includes(TOKEN));
    assert.deepEqual(plaintextWarnings(values, "stacks/Pulumi.local.yaml", { stack: "local", workDir: "/srv/app" }), []);
  });
  it("refers to a backend URL from the environment instead of copying it", () => {
    const [warning] = plaintextWarnings({ x: { password: "p" } }, "f", { stack: "prod", workDir: "/w", env: { PULUMI_BACKEND_URL: "postgres://u:pw@db/x" } });
    assert.match(warning!, /PULUMI_BACKEND_URL="\$PULUMI_BACKEND_URL"/);
    assert.doesNotMatch(warning!, /pw@db/);
  });
  it("the program reports plaintext credentials of keys the engine does not mark secret", () => {
    const entries = { "switchyard:analysis": { metrics: [{ provider: { headers: { Authorization: "x" } } }] }, "switchyard:other": { token: "y" } };
    assert.deepEqual(plaintextCredentialsOf(entries, (key) => key === "switchyard:other"), ["analysis.metrics[0].provider.headers.Authorization"]);
  });
});
