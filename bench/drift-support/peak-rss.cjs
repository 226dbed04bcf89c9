// Preloaded (`node --require`) into a measured process: writes the process's own peak RSS, in MB,
// to SWITCHYARD_BENCH_RSS_FILE when it exits. The measured program is not changed.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const file = process.env.SWITCHYARD_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS / 1024));
});
