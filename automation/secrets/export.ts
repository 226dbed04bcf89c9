/**
 * State exports that keep secrets encrypted. The Automation API's `exportStack` passes
 * `--show-secrets`, so whatever keeps its result (Switchyard's checkpoints, recovery) would hold
 * every secret of the state in plaintext: the default providers' inputs alone are a copy of the
 * stack's config. A plain `pulumi stack export` keeps them as ciphertext, and `importStack` of it
 * (a checkpoint restore) works the same, with the stack's own secrets provider.
 */
import type { Deployment, Stack } from "@pulumi/pulumi/automation";

/** `stack` with `exportStack` answering from `exportEncrypted` (the CLI's `stack export` without --show-secrets). */
export function keepExportsEncrypted(stack: Stack, exportEncrypted: () => Promise<string>): Stack {
  stack.exportStack = async (): Promise<Deployment> => JSON.parse(await exportEncrypted()) as Deployment;
  return stack;
}
