import { z } from 'zod';
import { analyticsConfigSchema } from './schema/index.ts';
import { serverConfigSchema } from './schema/server.ts';

/** A JSON Schema node, as far as the reference reads it. */
interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode | readonly SchemaNode[];
  readonly prefixItems?: readonly SchemaNode[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly anyOf?: readonly SchemaNode[];
}

/** One documented field of the configuration. */
export interface ConfigField {
  /** Dotted path, `[]` for list items, e.g. `lines[].points`. */
  readonly path: string;
  readonly type: string;
  readonly default?: string;
  readonly description: string | undefined;
}

function typeOf(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map((n) => (n.properties ? 'object' : typeOf(n))).join(' or ');
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (node.prefixItems) return `[${node.prefixItems.map(typeOf).join(', ')}]`;
  if (node.type === 'array' && node.items && !Array.isArray(node.items)) return `list of ${typeOf(node.items as SchemaNode)}`;
  const t = Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
  const range = node.minimum !== undefined || node.maximum !== undefined ? ` (${node.minimum ?? '…'}..${node.maximum ?? '…'})` : '';
  return `${t}${range}`;
}

function walk(node: SchemaNode, path: string, out: ConfigField[]): void {
  if (path !== '') {
    const field: ConfigField = { path, type: typeOf(node), description: node.description };
    out.push(node.default !== undefined && !(typeof node.default === 'object' && node.default !== null && !Array.isArray(node.default)) ? { ...field, default: JSON.stringify(node.default) } : field);
  }
  if (node.properties) for (const [k, v] of Object.entries(node.properties)) walk(v, path === '' ? k : `${path}.${k}`, out);
  // A field that takes a short form or an object (a camera's purpose): the object's fields are documented too.
  for (const branch of node.anyOf ?? []) if (branch.properties) for (const [k, v] of Object.entries(branch.properties)) walk(v, `${path}.${k}`, out);
  if (node.type === 'array' && node.items && !Array.isArray(node.items)) {
    const items = node.items as SchemaNode;
    if (items.properties) for (const [k, v] of Object.entries(items.properties)) walk(v, `${path}[].${k}`, out);
  }
}

/** Every field of a configuration schema (default: analytics) with its type, default and description, from the schema itself. */
export function configFields(schema: z.ZodType = analyticsConfigSchema): ConfigField[] {
  const out: ConfigField[] = [];
  walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaNode, '', out);
  return out;
}

/** Fields of the server configuration (`sightline.yml`), leaving out the analytics sub-fields that the analytics table documents. */
export function serverConfigFields(): ConfigField[] {
  return configFields(serverConfigSchema).filter((f) => !/^cameras\[\]\.analytics\./.test(f.path) && !/^detect\.(?!backend$|threads$|workers$|yolo$)/.test(f.path) && !/^detect\.yolo\./.test(f.path));
}

function table(fields: readonly ConfigField[]): string[] {
  return [
    '| field | type | default | description |',
    '|---|---|---|---|',
    ...fields.map((f) => `| \`${f.path}\` | ${f.type} | ${f.default !== undefined ? `\`${f.default}\`` : ''} | ${(f.description ?? '').replace(/\|/g, '\\|')} |`),
  ];
}

/** The configuration reference as Markdown (docs/configuration.md), generated from the schemas. */
export function configReferenceMarkdown(): string {
  return [
    '# Configuration reference',
    '',
    'Generated from the schemas in `src/config/schema/` by `npm run docs`; do not edit by hand.',
    'Configuration is YAML; every field is optional unless it has no default. Unknown fields are errors.',
    '',
    '## Server (`sightline.yml`, read by `sightline serve`)',
    '',
    'Each camera\'s `analytics` block and the top-level `detect` block take the analytics fields of the next section',
    '(the detector backend, workers, threads and YOLO model come from the top-level `detect` only).',
    '',
    ...table(serverConfigFields()),
    '',
    '## Analytics (a camera\'s `analytics`, or the file given to `sightline analyze --config`)',
    '',
    ...table(configFields()),
    '',
  ].join('\n');
}
