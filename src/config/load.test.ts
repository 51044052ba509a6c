import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig } from './load.ts';

const GOOD = `
lines:
  - name: gate
    points: [[384, 150], [384, 400]]   # the counting segment, pixels
    inside: [600, 300]                  # any point on the "in" side
    classes: [person]
zones:
  - name: plaza
    polygon: [[100, 200], [700, 200], [700, 560], [100, 560]]
    classes: [person]
`;

test('parseConfig accepts the documented line and zone syntax and fills defaults', () => {
  const r = parseConfig(GOOD, 'c.yml');
  assert.ok(r.ok);
  assert.deepEqual(r.value.lines[0]?.points, [[384, 150], [384, 400]]);
  assert.equal(r.value.lines[0]?.minObservations, 3);
  assert.equal(r.value.zones[0]?.polygon.length, 4);
  assert.equal(r.value.detect.backend, 'auto');
  assert.ok(r.value.detect.motion.enabled);
});

test('parseConfig: an empty file is the all-defaults config', () => {
  const r = parseConfig('', 'empty.yml');
  assert.ok(r.ok);
  assert.deepEqual(r.value.lines, []);
});

const BAD: { name: string; text: string; code: string; want: RegExp[] }[] = [
  { name: 'YAML syntax', text: 'lines: [', code: 'CONFIG_SYNTAX', want: [/^c\.yml is not valid YAML/, /c\.yml:1:\d+: /] },
  { name: 'duplicate key', text: 'lines: []\nlines: []', code: 'CONFIG_SYNTAX', want: [/c\.yml:2:1: Map keys must be unique/] },
  { name: 'wrong type', text: 'tracker:\n  highThreshold: high', code: 'CONFIG_INVALID', want: [/c\.yml:2:18: tracker\.highThreshold: expected number, received string/] },
  { name: 'unknown class', text: 'lines:\n  - name: a\n    points: [[0, 0], [1, 1]]\n    inside: [1, 0]\n    classes: [dog]', code: 'CONFIG_INVALID', want: [/c\.yml:5:15: lines\[0\]\.classes\[0\]: .*expected one of "person"/] },
  { name: 'one-point line', text: 'lines:\n  - name: a\n    points: [[0, 0]]\n    inside: [1, 0]', code: 'CONFIG_INVALID', want: [/c\.yml:3:13: lines\[0\]\.points/] },
  { name: 'two-point polygon', text: 'zones:\n  - name: z\n    polygon: [[0, 0], [1, 1]]', code: 'CONFIG_INVALID', want: [/zones\[0\]\.polygon: .*>=3/] },
  { name: 'unknown field', text: 'zones:\n  - name: z\n    polygon: [[0, 0], [1, 1], [1, 0]]\n    colour: red', code: 'CONFIG_INVALID', want: [/c\.yml:2:5: zones\[0\]: unknown field\(s\) "colour"/] },
  { name: 'inside point on the line', text: 'lines:\n  - name: a\n    points: [[0, 0], [10, 0]]\n    inside: [5, 0]', code: 'CONFIG_INVALID', want: [/lines\[0\]\.inside: the `inside` point lies on the line/] },
  { name: 'duplicate names', text: 'lines:\n  - name: a\n    points: [[0, 0], [10, 0]]\n    inside: [5, 5]\nzones:\n  - name: a\n    polygon: [[0, 0], [1, 1], [1, 0]]', code: 'CONFIG_INVALID', want: [/"a" is used twice/] },
  { name: 'bad name', text: 'lines:\n  - name: "a b/../"\n    points: [[0, 0], [10, 0]]\n    inside: [5, 5]', code: 'CONFIG_INVALID', want: [/lines\[0\]\.name: expected 1-64 letters/] },
  { name: 'not a mapping', text: '- 1\n- 2', code: 'CONFIG_INVALID', want: [/expected object/] },
];

for (const c of BAD) {
  test(`parseConfig rejects ${c.name} with a located message`, () => {
    const r = parseConfig(c.text, 'c.yml');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, c.code);
    for (const re of c.want) assert.match(r.error.message, re);
  });
}

test('loadConfig reports a missing file clearly and reads a real one', async () => {
  const missing = await loadConfig('/nonexistent/sightline.yml');
  assert.equal(missing.ok, false);
  if (!missing.ok) {
    assert.equal(missing.error.code, 'CONFIG_NOT_FOUND');
    assert.match(missing.error.message, /config file \/nonexistent\/sightline\.yml does not exist/);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sightline-config-'));
  const file = path.join(dir, 'c.yml');
  await writeFile(file, GOOD);
  const r = await loadConfig(file);
  assert.ok(r.ok);
});
