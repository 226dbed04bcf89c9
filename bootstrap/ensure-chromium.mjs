// Chromium for the browser tests (the dashboard and the reports' charts in a real browser, driven
// by playwright-core, which brings no browser of its own here: only Debian's is installed).
import { fileURLToPath } from "node:url";
import { ensureDebianTool } from "./ensure-debian-tool.mjs";
import { step } from "./log.mjs";

const CHROMIUM = {
  name: "Chromium",
  candidates: ["/usr/bin/chromium"],
  // "Chromium 156.0.8078.73 built on Debian ..."
  versionPattern: /Chromium (\d+[.\d]*)/,
  packages: ["chromium"],
  neededFor: "the browser tests (test/browser)",
};

export const ensureChromium = () => ensureDebianTool(CHROMIUM);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureChromium()
    .then((chromium) => step(`Chromium ${chromium.version} (${chromium.path})`))
    .catch((error) => {
      process.stderr.write(`switchyard setup failed: ${error.message}\n`);
      process.exit(1);
    });
}
