import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { renderHaproxyConfig } from "../../../components/local/haproxy-config";
import { readToolchain } from "../../../model/toolchain";

const spec = {
  service: "hello",
  listenAddress: "127.0.0.1",
  listenPort: 18080,
  servers: [
    { name: "blue", address: "127.0.0.1", port: 18081 },
    { name: "green", address: "127.0.0.1", port: 18082 },
  ],
  socketPath: "/tmp/x/admin.sock",
  stateFile: "/tmp/x/servers.state",
  healthCheckPath: "/healthz",
};

describe("HAProxy configuration", () => {
  it("binds the frontend on the listen address and routes to both slots", () => {
    const cfg = renderHaproxyConfig(spec);
    assert.match(cfg, /bind 127\.0\.0\.1:18080/);
    assert.match(cfg, /server blue 127\.0\.0\.1:18081 weight 0 check/);
    assert.match(cfg, /server green 127\.0\.0\.1:18082 weight 0 check/);
    assert.match(cfg, /option httpchk GET \/healthz/);
  });

  it("exposes an admin-level runtime API and restores weights from the state file on restart", () => {
    const cfg = renderHaproxyConfig(spec);
    assert.match(cfg, /stats socket \/tmp\/x\/admin\.sock mode 600 level admin/);
    assert.match(cfg, /server-state-file \/tmp\/x\/servers\.state/);
    assert.match(cfg, /load-server-state-from-file global/);
  });

  it("is accepted by the installed HAProxy", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sy-cfg-"));
    try {
      const file = path.join(dir, "haproxy.cfg");
      writeFileSync(file, renderHaproxyConfig({ ...spec, socketPath: path.join(dir, "a.sock"), stateFile: path.join(dir, "s") }));
      const check = spawnSync(readToolchain().haproxy, ["-c", "-q", "-f", file], { encoding: "utf8" });
      assert.equal(check.status, 0, check.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
