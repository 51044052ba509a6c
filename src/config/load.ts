import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { SightlineError, type Result } from '../core/errors.ts';
import { analyticsConfigSchema, type AnalyticsConfig } from './schema/index.ts';

/** One problem found in a configuration, located in the file. */
export interface ConfigIssue {
  /** Dotted field path, e.g. `lines[0].points`; empty for the whole document. */
  readonly path: string;
  /** 1-based line and column in the file, when the field exists there. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Formats issues as `file:line:col: path: message` lines for people. */
export function formatConfigIssues(file: string, issues: readonly ConfigIssue[]): string {
  return issues
    .map((i) => `${file}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`)
    .join('\n');
}

/** Parses and validates analytics configuration text; `file` only names the source in messages. */
export function parseConfig(text: string, file: string): Result<AnalyticsConfig> {
  return parseYamlWith(analyticsConfigSchema, text, file);
}

/** Parses YAML text and validates it against `schema`, locating each problem in the file; `file` only names the source in messages. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string): Result<z.infer<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): ConfigIssue => {
      const pos = e.linePos?.[0];
      return pos ? { path: '', line: pos.line, column: pos.col, message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '') } : { path: '', message: e.message };
    });
    return { ok: false, error: new SightlineError('CONFIG_SYNTAX', `${file} is not valid YAML:\n${formatConfigIssues(file, issues)}`) };
  }
  const data: unknown = doc.toJS() ?? {};
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((issue): ConfigIssue => {
    const path = issue.path;
    let node: unknown = undefined;
    for (let n = path.length; n >= 0 && !isNode(node); n--) node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const pos = offset !== undefined ? lineCounter.linePos(offset) : undefined;
    const base = { path: formatPath(path), message: describeIssue(issue) };
    return pos ? { ...base, line: pos.line, column: pos.col } : base;
  });
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { ok: false, error: new SightlineError('CONFIG_INVALID', `${file} has ${issues.length} problem(s):\n${formatConfigIssues(file, issues)}`) };
}

/** Reads, parses and validates an analytics YAML configuration file. */
export async function loadConfig(file: string): Promise<Result<AnalyticsConfig>> {
  return loadYamlWith(analyticsConfigSchema, file);
}

/** Reads a YAML file and validates it against `schema`. */
export async function loadYamlWith<S extends z.ZodType>(schema: S, file: string): Promise<Result<z.infer<S>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    return { ok: false, error: new SightlineError('CONFIG_NOT_FOUND', `config file ${file} ${why}`, { cause }) };
  }
  return parseYamlWith(schema, text, file);
}
