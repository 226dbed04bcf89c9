// Prometheus for the tests of the prometheus metric provider: they start their own server on a
// loopback port with a temp TSDB, scraping HAProxy's exporter. The package's own service
// (prometheus.service on :9090) is never used: where an init system starts it, it keeps its port
// and data, and the tests' servers take free ports and temp dirs.
import { fileURLToPath } from "node:url";
import { ensureDebianTool, findTool } from "./ensure-debian-tool.mjs";
import { step } from "./log.mjs";

const PROMETHEUS = {
  name: "Prometheus",
  candidates: ["prometheus", "/usr/bin/prometheus"],
  // "prometheus, version 2.42.0+ds (branch: ...)"
  versionPattern: /version (\d+\.\d+\.\d+)/,
  packages: ["prometheus"],
  neededFor: "the prometheus metric provider's tests",
};

export const findPrometheus = () => findTool(PROMETHEUS);
export const ensurePrometheus = () => ensureDebianTool(PROMETHEUS);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensurePrometheus()
    .then((prometheus) => step(`Prometheus ${prometheus.version} (${prometheus.path})`))
    .catch((error) => {
      process.stderr.write(`switchyard setup failed: ${error.message}\n`);
      process.exit(1);
    });
}
