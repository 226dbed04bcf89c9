/**
 * A provider plugin the engine cannot find becomes a MissingPluginError naming the plugin, its
 * version, whether a download was tried, and the one command that installs it. The texts are
 * the engine's own (CLI v3.274.1, captured from `preview --stack aws` here, offline).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DirectEngineFailure } from "../../../automation/direct-engine";
import { pluginAcquisition } from "../../../automation/plugins/acquisition";
import { installCommand, missingPluginError } from "../../../automation/plugins/missing";
import { pinnedPluginVersion, PROVIDER_PACKAGES } from "../../../automation/plugins/pinned";
import { classifyEngineError } from "../../../automation/workspace";
import { EngineError, MissingPluginError } from "../../../model/errors";
import { PROJECT_ROOT } from "../../../model/toolchain";

/** Acquisition off (here: the user's variable): the engine looked and did not download. */
const NOT_FOUND = [
  "Previewing update (aws):",
  "",
  " +  pulumi:pulumi:Stack switchyard-aws create ",
  "    pulumi:providers:aws hello-aws-us-west-2  error: no resource plugin 'pulumi-resource-aws' found in the workspace at version v7.48.0 or on your $PATH",
  "Diagnostics:",
  "  pulumi:providers:aws (hello-aws-us-west-2):",
  "    error: no resource plugin 'pulumi-resource-aws' found in the workspace at version v7.48.0 or on your $PATH",
  "",
  "Resources:",
  "    + 1 to create",
  "    1 errored",
].join("\n");

/** Acquisition on, no network: the engine tried five times, then gave up. */
const NOT_DOWNLOADED = [
  "Previewing update (aws):",
  "Diagnostics:",
  "  pulumi:pulumi:Stack (switchyard-aws):",
  '    warning: error downloading provider: Get "https://get.pulumi.com/releases/plugins/pulumi-resource-aws-v7.48.0-linux-amd64.tar.gz": dial tcp: lookup get.pulumi.com on 10.255.255.53:53: no such host',
  "    Will retry in 80ms [1/5]",
  '    warning: error downloading provider: Get "https://get.pulumi.com/releases/plugins/pulumi-resource-aws-v7.48.0-linux-amd64.tar.gz": dial tcp: lookup get.pulumi.com on 10.255.255.53:53: no such host',
  "    Will retry in 1.28s [5/5]",
  "",
  "  pulumi:providers:aws (hello-aws-us-west-2):",
  "    error: Could not automatically download and install resource plugin 'pulumi-resource-aws' at version v7.48.0, install the plugin using `pulumi plugin install resource aws v7.48.0`: error downloading provider aws to file: failed to download plugin: aws-7.48.0: failed all 5 attempts",
  "",
  "Resources:",
  "    + 1 to create",
  "    1 errored",
].join("\n");

const failure = (stdout: string) => new DirectEngineFailure(["preview", "--stack", "aws"], 255, stdout, "");
const userOff = pluginAcquisition("aws", { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" });
const cloud = pluginAcquisition("aws", {});

describe("missing provider plugins", () => {
  it("acquisition off by the user's variable: names plugin and version, says why nothing was downloaded, fix is the install command", () => {
    const error = classifyEngineError(failure(NOT_FOUND), "preview", "prod", undefined, userOff);
    assert.ok(error instanceof MissingPluginError);
    assert.equal(
      error.message,
      'preview of stack "prod" needs the provider plugin pulumi-resource-aws v7.48.0, which is not installed; automatic download is off: your environment sets PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true',
    );
    assert.equal(error.fix, "npm run pulumi -- plugin install resource aws 7.48.0");
    assert.deepEqual(error.plugins, [{ kind: "resource", name: "aws", version: "7.48.0", server: undefined }]);
  });

  it("acquisition on and the download failed: says it was tried, from where, and why it failed", () => {
    const error = classifyEngineError(failure(NOT_DOWNLOADED), "preview", "prod", undefined, cloud);
    assert.ok(error instanceof MissingPluginError);
    assert.equal(
      error.message,
      'preview of stack "prod" needs the provider plugin pulumi-resource-aws v7.48.0, which is not installed; automatic download from https://get.pulumi.com/releases/plugins/pulumi-resource-aws-v7.48.0-linux-amd64.tar.gz was tried and failed: dial tcp: lookup get.pulumi.com on 10.255.255.53:53: no such host',
    );
    assert.equal(error.fix, "npm run pulumi -- plugin install resource aws 7.48.0");
  });

  it("reads the Automation API's CommandError text the same way", () => {
    const sdkError = new Error(`code: 255\n stdout: ${NOT_FOUND}\n stderr: error: preview failed\n`);
    const error = classifyEngineError(sdkError, "deploy", "prod", undefined, pluginAcquisition("local", {}));
    assert.ok(error instanceof MissingPluginError);
    assert.match(error.message, /pulumi-resource-aws v7\.48\.0.*automatic download is off for the local target/);
  });

  it("without the engine's own download error, the failure's cause is the engine's words", () => {
    const line = NOT_DOWNLOADED.split("\n").find((l) => l.includes("Could not automatically"))!;
    const error = missingPluginError(line, "preview", "prod", cloud);
    assert.match(error!.message, /automatic download was tried and failed: error downloading provider aws to file: failed to download plugin: aws-7\.48\.0: failed all 5 attempts$/);
  });

  it("several plugins (a multicloud stack): each named once, one command installing them all", () => {
    const text = ["gcp v9.37.0", "aws v7.48.0", "aws v7.48.0", "azure-native v3.28.0"]
      .map((p) => `    error: no resource plugin 'pulumi-resource-${p.split(" ")[0]}' found in the workspace at version ${p.split(" ")[1]} or on your $PATH`)
      .join("\n");
    const error = missingPluginError(text, "preview", "multicloud", userOff)!;
    assert.match(error.message, /needs the provider plugins pulumi-resource-gcp v9\.37\.0, pulumi-resource-aws v7\.48\.0, pulumi-resource-azure-native v3\.28\.0, which are not installed/);
    assert.equal(
      error.fix,
      "npm run pulumi -- plugin install resource gcp 9.37.0 && npm run pulumi -- plugin install resource aws 7.48.0 && npm run pulumi -- plugin install resource azure-native 3.28.0",
    );
  });

  it("a plugin with its own download server keeps it in the command", () => {
    const text = "error: Could not automatically download and install resource plugin 'pulumi-resource-acme' at version v1.2.3, install the plugin using `pulumi plugin install resource acme v1.2.3 --server github://api.github.com/acme`: 404";
    const error = missingPluginError(text, "preview", "prod", cloud)!;
    assert.equal(error.fix, "npm run pulumi -- plugin install resource acme 1.2.3 --server github://api.github.com/acme");
  });

  it("a version the engine leaves out comes from the installed provider SDK", () => {
    const error = missingPluginError("error: no resource plugin 'pulumi-resource-kubernetes' found in the workspace or on your $PATH", "preview", "k8s", userOff)!;
    assert.equal(error.fix, `npm run pulumi -- plugin install resource kubernetes ${pinnedPluginVersion("kubernetes")}`);
    assert.equal(installCommand({ kind: "resource", name: "unknown" }), "npm run pulumi -- plugin install resource unknown");
  });

  it("pins the plugin versions package.json pins for the provider SDKs", () => {
    const pinned = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).dependencies as Record<string, string>;
    for (const name of PROVIDER_PACKAGES) assert.equal(pinnedPluginVersion(name), pinned[`@pulumi/${name}`], name);
    assert.equal(pinnedPluginVersion("random"), undefined);
  });

  it("any other engine failure stays an EngineError", () => {
    const error = classifyEngineError(failure("Diagnostics:\n  pulumi:pulumi:Stack (switchyard-aws):\n    error: something else broke\n"), "preview", "prod", undefined, cloud);
    assert.ok(error instanceof EngineError);
    assert.equal(missingPluginError("error: no stack named 'prod' found", "preview", "prod", cloud), undefined);
  });
});
