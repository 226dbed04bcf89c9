/** Exit codes, the same for every command. */
export const ExitCode = {
  Done: 0,
  Error: 1,
  DriftFound: 2,
  RolledBack: 3,
  Paused: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
