/**
 * Small pieces every Markdown report shares (the drift report and the rollout reports), so that
 * escaping is done one way: table cells, inline code, the hidden marker line a workflow finds its
 * own comment by, and Mermaid fences.
 */

/** Text safe inside a table cell: no pipe, newline or HTML breaks the table. */
export function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/`/g, "'")
    .replace(/\r?\n/g, " ");
}

/** Inline code of any text (empty stays empty). */
export const code = (text: string): string => (text ? `\`${cell(text)}\`` : "");

/**
 * A hidden first line naming the report's kind and stack (`<!-- switchyard-drift:prod -->`), so
 * that a workflow can find and update its own comment instead of adding one per run.
 */
export const markerLine = (kind: string, stack: string): string => {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, "_");
  return `<!-- switchyard-${safe(kind)}:${safe(stack)} -->`;
};

/** A fenced Mermaid block; chart text never holds a backtick (render-mermaid's `label`). */
export const mermaidFence = (text: string): string => `\`\`\`mermaid\n${text.replace(/`/g, "'").trimEnd()}\n\`\`\``;
