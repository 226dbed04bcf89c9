#!/usr/bin/env node
// The `switchyard` command: set-up (fast when done), then the CLI on the project's Node.js 22.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot, setup } from "../bootstrap/setup.mjs";

try {
  const toolchain = await setup();
  const tsx = pathToFileURL(join(projectRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const cli = join(projectRoot, "automation", "cli.ts");
  const child = spawn(toolchain.node, ["--import", tsx, cli, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  process.stderr.write(`switchyard setup failed: ${error.message}\n`);
  process.exit(1);
}
