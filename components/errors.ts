/** Invalid arguments to a component: names the component, the field and the fix. */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly field: string,
    problem: string,
    readonly fix: string,
  ) {
    super(`${component}: ${field}: ${problem}. Fix: ${fix}`);
    this.name = "ComponentArgsError";
  }
}
