/**
 * The provider text of a module-backed dynamic resource, evaluated the way the engine's
 * dynamic-provider host evaluates it (a module from a string, then `handler()`).
 */
import assert from "node:assert/strict";
import Module from "node:module";
import * as path from "node:path";
import { providerSource } from "../../../components/local/dynamic";

function evaluate(source: string): { handler(): Record<string, unknown> } {
  const filename = path.join(__dirname, "provider-text.js");
  const module = new Module(filename);
  module.filename = filename;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  (module as unknown as { _compile(code: string, file: string): void })._compile(source, filename);
  return module.exports as { handler(): Record<string, unknown> };
}

describe("module-backed dynamic resources", () => {
  it("the provider text hands the host the module's provider, loading the TypeScript module through tsx", () => {
    const modulePath = path.resolve(__dirname, "../../../components/local/haproxy-weights-provider.ts");
    const provider = evaluate(providerSource(modulePath)).handler();
    for (const method of ["create", "read", "diff", "update", "delete"]) assert.equal(typeof provider[method], "function", method);
    assert.equal(provider, require(modulePath).provider, "the module's own provider object");
  });

  it("the text names only the module's path: no closure, no captured values", () => {
    const source = providerSource("/opt/switchyard/components/local/workload-provider.ts");
    assert.match(source, /^exports\.handler = function \(\) \{/);
    assert.match(source, /require\("\/opt\/switchyard\/components\/local\/workload-provider\.ts"\)\.provider/);
    assert.ok(source.length < 400, `${source.length} characters`);
  });
});
