/**
 * A throwaway project for policy engine tests: a work dir inside the repository (so dynamic
 * provider hosts resolve our node_modules), its own file:// backend and passphrase. Inline
 * programs only; `cleanup` destroys what was deployed and removes every file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { openStack, type OpenedStack } from "../../../automation/workspace";
import { PROJECT_ROOT } from "../../../model/toolchain";

export interface PolicyTestProject {
  readonly stackName: string;
  readonly workDir: string;
  open(program: PulumiFn): Promise<OpenedStack>;
  /** Writes the pack config file the runner picks up for this stack. */
  writePolicyConfig(config: object): string;
  cleanup(): Promise<void>;
}

export function createPolicyProject(stackName: string): PolicyTestProject {
  const scratch = path.join(PROJECT_ROOT, ".switchyard", "tmp");
  mkdirSync(scratch, { recursive: true });
  const workDir = mkdtempSync(path.join(scratch, `${stackName}-`));
  mkdirSync(path.join(workDir, "stacks"));
  mkdirSync(path.join(workDir, "state"));
  writeFileSync(path.join(workDir, "Pulumi.yaml"), "name: switchyard\nruntime: nodejs\nstackConfigDir: stacks\n");
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(workDir, "state")}`, PULUMI_CONFIG_PASSPHRASE: "policy-engine-test" };
  let last: OpenedStack | undefined;
  return {
    stackName,
    workDir,
    async open(program) {
      last = await openStack({ stackName, workDir, env }, program);
      return last;
    },
    writePolicyConfig(config) {
      const file = path.join(workDir, "stacks", `Pulumi.${stackName}.policy.json`);
      writeFileSync(file, JSON.stringify(config, null, 2));
      return file;
    },
    async cleanup() {
      try {
        if (last) await last.run("destroy", (s) => s.destroy());
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };
}
