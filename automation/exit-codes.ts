/** Exit codes, the same for every command. */
export const ExitCode = {
  Done: 0,
  Error: 1,
  DriftFound: 2,
  RolledBack: 3,
  Paused: 4,
  /** The service does not serve as declared (status), or a deploy ended with it not serving. */
  NotHealthy: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
