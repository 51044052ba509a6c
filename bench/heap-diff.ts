/**
 * What grew between two V8 heap snapshots (`.heapsnapshot` files, as `v8.writeHeapSnapshot` or the
 * soak's `--heap-snapshots DIR` writes them): the objects of each constructor or kind, their count
 * and self size in each, sorted by the growth of the size. A leak shows as a kind whose count keeps
 * pace with the time between the snapshots; a cache that fills up shows the same once, then stops.
 *
 * `node --max-old-space-size=8192 --import tsx bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [--top 25]`
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[], ...unknown[]] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** Count and self size (bytes) per `type:name` of the snapshot's nodes. */
export function tally(s: Snapshot): Map<string, { count: number; bytes: number }> {
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = s.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]!] ?? '?';
    // Strings and numbers are named by their content: one kind each, not one per value.
    const name = type === 'string' || type === 'number' || type === 'concatenated string' || type === 'sliced string' ? '' : (s.strings[s.nodes[i + nameAt]!] ?? '?');
    const key = `${type}:${name.slice(0, 80)}`;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += s.nodes[i + sizeAt]!;
    out.set(key, t);
  }
  return out;
}

function load(file: string): Snapshot {
  return JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [a, b] = process.argv.slice(2).filter((x) => !x.startsWith('--'));
  const topAt = process.argv.indexOf('--top');
  const top = topAt >= 0 ? Number(process.argv[topAt + 1]) : 25;
  if (a === undefined || b === undefined || !Number.isInteger(top) || top < 1) {
    process.stderr.write('usage: bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [--top N]\n');
    process.exit(2);
  }
  const before = tally(load(a));
  const after = tally(load(b));
  const keys = new Set([...before.keys(), ...after.keys()]);
  const rows = [...keys].map((k) => {
    const x = before.get(k) ?? { count: 0, bytes: 0 };
    const y = after.get(k) ?? { count: 0, bytes: 0 };
    return { k, dCount: y.count - x.count, dBytes: y.bytes - x.bytes, count: y.count, bytes: y.bytes };
  });
  rows.sort((p, q) => q.dBytes - p.dBytes);
  const total = (m: Map<string, { bytes: number }>): number => [...m.values()].reduce((n, t) => n + t.bytes, 0);
  process.stdout.write(`heap: ${(total(before) / 2 ** 20).toFixed(1)} → ${(total(after) / 2 ** 20).toFixed(1)} MiB of objects\n\n`);
  process.stdout.write('| kind | objects added | MiB added | objects after | MiB after |\n|---|---|---|---|---|\n');
  for (const r of rows.slice(0, top)) process.stdout.write(`| ${r.k.replaceAll('|', '\\|')} | ${r.dCount} | ${(r.dBytes / 2 ** 20).toFixed(2)} | ${r.count} | ${(r.bytes / 2 ** 20).toFixed(2)} |\n`);
}
