/**
 * The one shape of a violation message: why it is wrong, then how to fix it. The engine prefixes
 * the rule's description; automation/policy/events.ts splits the parts again by these markers.
 */
export const FIX_MARKER = "fix: ";

export function violation(why: string, fix: string): string {
  return `${why}\n${FIX_MARKER}${fix}`;
}
