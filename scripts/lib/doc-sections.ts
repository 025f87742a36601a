/**
 * Generated sections of a Markdown page: what lies between `<!-- name:start -->` and
 * `<!-- name:end -->` is replaced, the rest of the page is left as it is, and the page is written as
 * Prettier formats it (the lint checks it). Used by the scripts that write docs/reliability.md.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

import * as prettier from "prettier";

/** `text` with the section `name` replaced by `content`; a missing section is added under `heading`. */
export function fillSection(text: string, name: string, content: string, heading: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1 || b < a)
    return `${text.trimEnd()}\n\n## ${heading}\n\n${start}\n${content.trim()}\n${end}\n`;
  return `${text.slice(0, a + start.length)}\n${content.trim()}\n${text.slice(b)}`;
}

/** Replaces the section `name` of the page at `file` (created if missing) and formats the page. */
export async function writeSection(
  file: string,
  name: string,
  content: string,
  heading: string,
): Promise<void> {
  const page = existsSync(file) ? readFileSync(file, "utf8") : `# ${heading}\n`;
  const text = fillSection(page, name, content, heading);
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

/** A Markdown table; `|` in cells escaped. */
export function markdownTable(header: string[], rows: string[][]): string {
  const cell = (c: string) => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}
