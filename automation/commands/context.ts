/** What every command receives from the CLI: the parsed global flags and where to write. */
export interface CommandContext {
  readonly stack: string;
  readonly json: boolean;
  readonly yes: boolean;
  /** Folder with Pulumi.yaml and stacks/. */
  readonly workDir: string;
  /** Rollout flags of `deploy` that override the stack's rollout config for this run. */
  readonly rolloutFlags?: import("../rollout/overrides").RolloutFlags;
  /** Progress for people: engine output and step lines; silent with --json. */
  readonly progress: (line: string) => void;
}
