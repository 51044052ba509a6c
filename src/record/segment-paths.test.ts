import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SightlineError, type ErrorCode } from '../core/errors.ts';
import { parseIncomingName, parseSegmentName, resolveInside, segmentPath } from './segment-paths.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-segpath-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const T0 = Date.UTC(2024, 0, 15, 23, 59, 50);

function throwsCode(fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (e: unknown) => e instanceof SightlineError && e.code === code);
}

test('segment paths: day folders in UTC, names parsed back, nothing outside the data directory', () => {
  assert.equal(segmentPath('cam-1', T0), `recordings/cam-1/2024-01-15/${T0}.ts`);
  assert.equal(segmentPath('cam-1', T0 + 10_000, 2), `recordings/cam-1/2024-01-16/${T0 + 10_000}-2.ts`);
  assert.equal(parseSegmentName(`${T0}.ts`), T0);
  assert.equal(parseSegmentName(`${T0}-3.ts`), T0);
  assert.equal(parseSegmentName(`${T0}.mp4`), null);
  assert.deepEqual(parseIncomingName(`${T0}-00012.ts`), { runMs: T0, seq: 12 });
  assert.equal(parseIncomingName(`${T0}.ts`), null);
  for (const id of ['', '..', '.', 'a/b', 'a\\b', 'x'.repeat(200), 'é']) throwsCode(() => segmentPath(id, T0), 'STORE_INPUT_INVALID');
  const root = path.join(TMP, 'data');
  assert.equal(resolveInside(root, 'recordings/a/x.ts'), path.join(root, 'recordings', 'a', 'x.ts'));
  for (const bad of ['../x.ts', 'recordings/../../x.ts', '/etc/passwd', '', '.', 'a\0b']) assert.equal(resolveInside(root, bad), null, bad);
  assert.equal(resolveInside(root, '..x/y.ts'), path.join(root, '..x', 'y.ts'));
});
