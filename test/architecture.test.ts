// The layers of docs/architecture.md, enforced: every import of every source file under src/ and
// web/src (tests aside) must be allowed by the document's layer table, every folder must be in
// the table, and the table names no folder that does not exist. The table is read from the
// document itself, so the document and the check cannot drift apart.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const DOC = path.join(ROOT, 'docs', 'architecture.md');

/** One row of the layer table: a unit (a folder of src/, `api/schemas`, or `web`) and what it may import. */
interface Layer {
  readonly unit: string;
  readonly imports: ReadonlySet<string>;
  /** Whether it may import npm packages and Node's modules. */
  readonly packages: boolean;
}

/** Reads the table between `<!-- layers -->` and `<!-- /layers -->`: | `unit` | role | `a`, `b` | packages |. */
export function readLayers(markdown: string): Map<string, Layer> {
  const start = markdown.indexOf('<!-- layers -->');
  const end = markdown.indexOf('<!-- /layers -->');
  assert.ok(start >= 0 && end > start, 'docs/architecture.md has a layer table between <!-- layers --> and <!-- /layers -->');
  const layers = new Map<string, Layer>();
  for (const line of markdown.slice(start, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5) continue;
    const unit = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (unit === undefined) continue;
    const imports = new Set([...(cells[3] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    layers.set(unit, { unit, imports, packages: /^yes/i.test(cells[4] ?? '') });
  }
  return layers;
}

/** The unit a file belongs to: the longest unit of the table that contains it, or null outside src/ and web/src. */
function unitOf(file: string, units: readonly string[]): string | null {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  if (rel.startsWith('web/src/')) return 'web';
  if (!rel.startsWith('src/')) return null;
  const inSrc = rel.slice(4);
  let best: string | null = null;
  for (const u of units) if (u !== 'web' && (inSrc === u || inSrc.startsWith(`${u}/`)) && (best === null || u.length > best.length)) best = u;
  return best ?? inSrc.split('/')[0]!;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' && name !== 'static') out.push(...sources(p));
    } else if (/\.(ts|tsx|js|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const layers = readLayers(readFileSync(DOC, 'utf8'));
const units = [...layers.keys()];
const files = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'web', 'src'))];

test('every import of src/ and web/src follows the layer table of docs/architecture.md', () => {
  const problems: string[] = [];
  for (const file of files) {
    const from = unitOf(file, units)!;
    const layer = layers.get(from);
    if (layer === undefined) continue; // reported by the next test
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      const where = `${path.relative(ROOT, file)} imports '${spec}'`;
      if (!spec.startsWith('.')) {
        if (!layer.packages) problems.push(`${where}: ${from} imports no packages or Node modules`);
        continue;
      }
      const to = unitOf(path.resolve(path.dirname(file), spec), units);
      if (to === null) problems.push(`${where}: outside src/ and web/src`);
      else if (to !== from && !layer.imports.has(to)) problems.push(`${where}: ${from} may not import ${to}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the layer table names every folder of src/ and no folder that does not exist', () => {
  const folders = readdirSync(path.join(ROOT, 'src')).filter((n) => statSync(path.join(ROOT, 'src', n)).isDirectory());
  assert.deepEqual(folders.filter((f) => !layers.has(f)), [], 'folders of src/ missing from the table');
  const missing = units.filter((u) => u !== 'web' && !folders.includes(u.split('/')[0]!));
  assert.deepEqual(missing, [], 'units of the table that are not folders of src/');
  for (const layer of layers.values()) for (const i of layer.imports) assert.ok(layers.has(i), `${layer.unit} may import ${i}, which is not in the table`);
});

test('the layers have no cycle: each unit imports only units above it in the table', () => {
  const order = units;
  for (const [i, unit] of order.entries()) {
    for (const dep of layers.get(unit)!.imports) assert.ok(order.indexOf(dep) < i, `${unit} may import ${dep}, which comes after it`);
  }
});

test('readLayers reads units, allowed imports and packages; a table without markers is refused', () => {
  const doc = '<!-- layers -->\n| Unit | Role | May import | Packages |\n|---|---|---|---|\n| `core` | pure | — | no |\n| `ingest` | ffmpeg | `core` | yes |\n<!-- /layers -->';
  const got = readLayers(doc);
  assert.deepEqual([...got.keys()], ['core', 'ingest']);
  assert.deepEqual([...got.get('ingest')!.imports], ['core']);
  assert.equal(got.get('core')!.packages, false);
  assert.equal(got.get('ingest')!.packages, true);
  assert.throws(() => readLayers('| `core` | pure | — | no |'), /layer table/);
});
