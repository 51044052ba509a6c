/**
 * POST /api/cameras/:id/erase through the real app, the server's LocalRecordingService and SQLite:
 * an admin's erasure request deletes the camera's segments (files and rows), events and snapshots of
 * the range and nothing else, audited with the reason; bad ranges and other callers get clear 4xx.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { segmentPath } from '../src/record/segment-paths.ts';
import { createHarness, T0, type Harness } from './fixtures/api-harness.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

/** Writes a file under the harness's data directory, its mtime at `time` when given. */
function put(h: Harness, rel: string, time?: number): void {
  const file = path.join(h.dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(376, 0x47));
  if (time !== undefined) utimesSync(file, new Date(time), new Date(time));
}

/** Camera A: segments before, across the start of, inside and after [T0 - 2h, T0 - 1h); camera B one inside; events and snapshots around them. */
async function seed(h: Harness): Promise<{ from: number; to: number; paths: Record<string, string> }> {
  const from = T0 - 2 * HOUR;
  const to = T0 - HOUR;
  const { index } = h.local!;
  const paths: Record<string, string> = {};
  for (const [name, camera, start] of [['before', 'A', from - MIN], ['across', 'A', from - 5_000], ['inside', 'A', from + 10 * MIN], ['after', 'A', to], ['other', 'B', from + 10 * MIN]] as const) {
    const rel = segmentPath(camera, start);
    put(h, rel);
    index.add({ cameraId: camera, path: rel, startTime: start, endTime: start + 10_000, bytes: 376 });
    paths[name] = rel;
  }
  paths.snapIn = 'snapshots/A/2024-06-01/ev-in.jpg';
  paths.snapOut = 'snapshots/A/2024-06-01/ev-out.jpg';
  paths.orphan = 'snapshots/A/2024-06-01/orphan.jpg';
  paths.snapB = 'snapshots/B/2024-06-01/ev-b.jpg';
  put(h, paths.snapIn, from + 20 * MIN);
  put(h, paths.snapOut, to + MIN);
  put(h, paths.orphan, from + 30 * MIN);
  put(h, paths.snapB, from + 20 * MIN);
  const ev = (id: string, cameraId: string, startTime: number, snapshotPath: string | null) => ({ id, cameraId, type: 'intrusion' as const, rule: 'yard', trackId: 7, class: 'person' as const, startTime, endTime: startTime + MIN, frame: 1, snapshotPath });
  await h.store.appendEvents([ev('ev-in', 'A', from + 20 * MIN, paths.snapIn), ev('ev-out', 'A', to + MIN, paths.snapOut), ev('ev-b', 'B', from + 20 * MIN, paths.snapB)]);
  return { from, to, paths };
}

test('an admin erases a camera range: its segments, events and snapshots go, audited with the reason; nothing else does', async (t) => {
  const h = await createHarness({ localRecordings: true });
  t.after(() => h.close());
  const { from, to, paths } = await seed(h);
  const admin = await h.login('admin');
  const dbBytes = (): Buffer => {
    const file = path.join(h.dir, 'sightline.db');
    return Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
  };
  h.db.pragma('wal_checkpoint(TRUNCATE)');
  for (const rel of [paths.across!, paths.inside!, paths.snapIn!]) assert.ok(dbBytes().includes(rel), `${rel} is in the database before`);
  const res = await h.app.inject({ method: 'POST', url: '/api/cameras/A/erase', headers: h.headers(admin), payload: { from, to, reason: 'Erasure request #42 (GDPR art. 17)' } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { from, to, segments: 2, bytes: 752, events: 1, snapshots: 2 });

  for (const gone of ['across', 'inside', 'snapIn', 'orphan']) assert.equal(existsSync(path.join(h.dir, paths[gone]!)), false, `${gone} is deleted`);
  for (const kept of ['before', 'after', 'other', 'snapOut', 'snapB']) assert.equal(existsSync(path.join(h.dir, paths[kept]!)), true, `${kept} stays`);
  assert.deepEqual(h.local!.index.ofCamera('A').map((s) => s.path), [paths.before, paths.after]);
  assert.equal(h.local!.index.ofCamera('B').length, 1);
  assert.deepEqual((await h.store.queryEvents({})).events.map((e) => e.id).sort(), ['ev-b', 'ev-out']);
  for (const rel of [paths.across!, paths.inside!, paths.snapIn!]) assert.equal(dbBytes().includes(rel), false, `${rel} is gone from the database file's bytes`);
  assert.ok(dbBytes().includes(paths.before!), 'a kept segment is still there');
  const listed = await h.app.inject({ url: `/api/cameras/A/recordings?from=${from - HOUR}&to=${to + HOUR}`, headers: h.headers(admin, false) });
  assert.deepEqual(listed.json<{ segments: { id: number }[] }>().segments.length, 2);

  const entry = h.audit.list({ action: 'erase' });
  assert.equal(entry.length, 1);
  assert.deepEqual([entry[0]!.actor, entry[0]!.target, entry[0]!.details], ['admin', 'A', { from, to, reason: 'Erasure request #42 (GDPR art. 17)', segments: 2, bytes: 752, events: 1, snapshots: 2 }]);
  assert.deepEqual(h.audit.verify(), { ok: true, entries: h.audit.head().seq });
});

test('erasure refuses bad ranges, a range still being recorded, no reason, unknown cameras and callers who are not admins', async (t) => {
  const h = await createHarness({ localRecordings: true });
  t.after(() => h.close());
  const { from, to } = await seed(h);
  const admin = await h.login('admin');
  const post = async (creds: typeof admin, id: string, payload: object) => h.app.inject({ method: 'POST', url: `/api/cameras/${id}/erase`, headers: h.headers(creds), payload });
  const cases: [string, string, object, number, string, RegExp][] = [
    ['to before from', 'A', { from: to, to: from, reason: 'test' }, 400, 'REQUEST_INVALID', /to must be after body\.from/],
    ['an empty range', 'A', { from, to: from, reason: 'test' }, 400, 'REQUEST_INVALID', /to must be after/],
    ['a range reaching into the segment being recorded', 'A', { from, to: T0, reason: 'test' }, 400, 'REQUEST_INVALID', /still being recorded/],
    ['a negative time', 'A', { from: -1, to, reason: 'test' }, 400, 'REQUEST_INVALID', /from/],
    ['no reason', 'A', { from, to }, 400, 'REQUEST_INVALID', /reason/],
    ['a blank reason', 'A', { from, to, reason: '   ' }, 400, 'REQUEST_INVALID', /reason/],
    ['an unknown camera', 'nope', { from, to, reason: 'test' }, 404, 'CAMERA_NOT_FOUND', /nope/],
  ];
  for (const [label, id, payload, status, code, message] of cases) {
    const res = await post(admin, id, payload);
    assert.equal(res.statusCode, status, `${label}: ${res.body}`);
    const body = res.json<{ error: { code: string; message: string } }>();
    assert.equal(body.error.code, code, label);
    assert.match(body.error.message, message, label);
  }
  for (const name of ['operator', 'viewer']) {
    const res = await post(await h.login(name), 'A', { from, to, reason: 'test' });
    assert.equal(res.statusCode, 403, name);
  }
  assert.equal(h.local!.index.ofCamera('A').length, 4, 'nothing was erased');
  assert.deepEqual(h.audit.list({ action: 'erase' }), []);
});

test('GET /api/audit/verify says from which checkpoint the chain is checked once retention deleted the oldest entries', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  const admin = await h.login('admin');
  const verify = async () => (await h.app.inject({ url: '/api/audit/verify', headers: h.headers(admin, false) })).json<Record<string, unknown>>();
  const before = h.audit.head().seq;
  assert.deepEqual(await verify(), { ok: true, entries: before });
  h.clock.t += 1;
  assert.deepEqual(h.audit.purgeBefore(h.clock.t), { deleted: before, throughSeq: before });
  assert.deepEqual(await verify(), { ok: true, entries: 1, purgedThrough: before });
});
