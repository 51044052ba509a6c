/** BENCHMARKS.md is written by several benchmarks, each owning one `## <title>` section between markers. */
import { readFileSync, writeFileSync } from 'node:fs';

/** Replaces (or appends) the section `title` of a Markdown document, keeping every other section. */
export function replaceSection(markdown: string, title: string, body: string): string {
  const start = `<!-- section:${title} -->`;
  const end = `<!-- /section:${title} -->`;
  const block = `${start}\n## ${title}\n\n${body.trim()}\n${end}`;
  const i = markdown.indexOf(start);
  const j = markdown.indexOf(end);
  if (i >= 0 && j > i) return `${markdown.slice(0, i)}${block}${markdown.slice(j + end.length)}`;
  return `${markdown.trimEnd()}\n\n${block}\n`;
}

/** The section `title` with its markers, or '' when the document has none. */
export function extractSection(markdown: string, title: string): string {
  const start = `<!-- section:${title} -->`;
  const end = `<!-- /section:${title} -->`;
  const i = markdown.indexOf(start);
  const j = markdown.indexOf(end);
  return i >= 0 && j > i ? markdown.slice(i, j + end.length) : '';
}

/** Replaces (or appends) the section `title` of the Markdown file `file`, creating it when missing. */
export function writeSection(file: string, title: string, body: string): void {
  let current = '# Benchmarks\n';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // A first run writes a new file.
  }
  writeFileSync(file, replaceSection(current, title, body));
}
