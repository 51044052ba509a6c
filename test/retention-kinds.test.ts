/**
 * Retention per kind of data, end to end over a real data directory: the `retention` settings and
 * their deprecated alias, the runner deleting video, events (with their snapshots), aggregates and
 * audit entries each by its own limit, deletion that leaves nothing in the database file's bytes,
 * and aggregates that hold no track ids or boxes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { createHeatGrid } from '../src/core/rules/heat-grid.ts';
import type { RuleEvent } from '../src/core/rules/types.ts';
import type { Clock } from '../src/ingest/ffmpeg-source.ts';
import { RetentionRunner } from '../src/record/retention-runner.ts';
import { segmentPath } from '../src/record/segment-paths.ts';
import { openDatabase } from '../src/store/database.ts';
import { SqliteAuditLog } from '../src/store/sqlite-audit-log.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { SqliteSegmentIndex } from '../src/store/sqlite-segment-index.ts';
import { SqliteUnredactedGrantStore } from '../src/store/sqlite-unredacted-grants.ts';
import { SqliteUserStore } from '../src/store/sqlite-users.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-retention-kinds-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
const NOW = Date.UTC(2025, 5, 1, 12);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const fixedClock = (time: number): Clock => ({ now: () => time, setTimer: () => () => undefined });

describe('the retention settings', () => {
  test('conservative defaults: video 72 hours, events 30 days, aggregates and the audit log a year', () => {
    const { retention, recording } = serverConfigSchema.parse({});
    assert.deepEqual(retention, { videoHours: 72, eventDays: 30, aggregateDays: 365, auditDays: 365 });
    assert.equal(recording.retentionDays, undefined);
  });

  const cases: [string, unknown, number | RegExp][] = [
    ['retention.videoHours alone', { retention: { videoHours: 24 } }, 24],
    ['the deprecated recording.retentionDays alone: N days = N × 24 hours', { recording: { retentionDays: 14 } }, 14 * 24],
    ['both, agreeing', { recording: { retentionDays: 2 }, retention: { videoHours: 48 } }, 48],
    ['both, disagreeing: a configuration error on the alias', { recording: { retentionDays: 14 }, retention: { videoHours: 72 } }, /recording\.retentionDays: recording\.retentionDays \(deprecated: 14 days = 336 hours\) disagrees with retention\.videoHours \(72 hours\)/],
    ['an unknown retention field', { retention: { snapshotDays: 3 } }, /retention: Unrecognized key/],
  ];
  for (const [label, input, want] of cases) {
    test(label, () => {
      const parsed = serverConfigSchema.safeParse(input);
      if (typeof want === 'number') {
        assert.ok(parsed.success, parsed.error?.message);
        assert.equal(parsed.data.retention.videoHours, want);
      } else {
        assert.equal(parsed.success, false);
        assert.match(parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'), want);
      }
    });
  }
});

let n = 0;
/** A data directory with a database, two cameras and the stores over it. */
async function dataDir(): Promise<{ dir: string; file: string; store: SqliteEventStore; index: SqliteSegmentIndex; audit: SqliteAuditLog; clock: { t: number } }> {
  const dir = path.join(TMP, `data-${++n}`);
  const file = path.join(dir, 'sightline.db');
  const clock = { t: NOW };
  const store = new SqliteEventStore(openDatabase(file), { now: () => clock.t });
  await store.addCamera({ id: 'cam-a', name: 'cam-a', url: 'rtsp://10.0.0.2/a' });
  await store.addCamera({ id: 'cam-b', name: 'cam-b', url: 'rtsp://10.0.0.3/b' });
  return { dir, file, store, index: new SqliteSegmentIndex(store.db), audit: new SqliteAuditLog(store.db, { now: () => clock.t, key: Buffer.alloc(32, 3) }), clock };
}

/** Writes a file (and its folders) under the data directory. */
function put(dir: string, rel: string, bytes: Buffer): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), bytes);
}

/** The database file and its write-ahead log, as bytes on disk. */
function fileBytes(file: string): Buffer {
  return Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
}

describe('the retention runner deletes each kind of data by its own limit', () => {
  test('video by videoHours; events with their snapshots, aggregates and audit entries by their days; each file and row gone', async () => {
    const { dir, file, store, index, audit, clock } = await dataDir();
    let limits = (() => {
      const cfg = serverConfigSchema.parse({});
      return { ...cfg.recording, ...cfg.retention, minFreeGb: 0 };
    })();

    // Video: one segment 73 hours old, one 71 hours old.
    const segOld = segmentPath('cam-a', NOW - 73 * HOUR);
    const segNew = segmentPath('cam-a', NOW - 71 * HOUR);
    for (const [rel, start] of [[segOld, NOW - 73 * HOUR], [segNew, NOW - 71 * HOUR]] as const) {
      put(dir, rel, Buffer.alloc(1000, 0x47));
      index.add({ cameraId: 'cam-a', path: rel, startTime: start, endTime: start + 10_000, bytes: 1000 });
    }
    // Events: 31 and 29 days old, each with a snapshot file (the old one's is kept past the video limit here only by being an event's).
    const snapOld = 'snapshots/cam-a/2025-05-01/ev-31d.jpg';
    const snapNew = 'snapshots/cam-b/2025-05-03/ev-29d.jpg';
    put(dir, snapOld, Buffer.from('jpeg'));
    put(dir, snapNew, Buffer.from('jpeg'));
    await store.appendEvents([
      { id: 'ev-31d', cameraId: 'cam-a', type: 'intrusion', rule: 'door', trackId: 3, class: 'person', startTime: NOW - 31 * DAY, endTime: NOW - 31 * DAY + MIN, frame: 1, snapshotPath: snapOld },
      { id: 'ev-29d', cameraId: 'cam-b', type: 'intrusion', rule: 'door', trackId: 4, class: 'person', startTime: NOW - 29 * DAY, frame: 1, snapshotPath: snapNew },
    ]);
    // Aggregates: 366 and 364 days old.
    const crossing: RuleEvent = { type: 'line_crossing', rule: 'gate', trackId: 9, class: 'person', frame: 1, time: 0, direction: 'in' };
    await store.addLineCrossings('cam-a', NOW - 366 * DAY, [crossing]);
    await store.addLineCrossings('cam-a', NOW - 364 * DAY, [crossing]);
    await store.addZoneOccupancy('cam-a', [366, 364].map((d) => ({ zone: 'door', minute: NOW - d * DAY, peak: 1, objectMs: 1, observedMs: MIN })));
    for (const d of [366, 364]) await store.addZoneExits('cam-a', NOW - d * DAY, [{ type: 'zone_exit', rule: 'door', trackId: 9, class: 'person', frame: 1, time: 0, seconds: 8 }]);
    for (const d of [366, 364]) await store.mergeHeatGrid('cam-a', NOW - d * DAY, createHeatGrid({ width: 20, height: 20 }, 10));
    // Audit: entries 367 and 300 days old.
    for (const d of [367, 300]) {
      clock.t = NOW - d * DAY;
      audit.append({ actor: 'alice', action: 'live_view', target: `cam-a-${d}` });
    }
    clock.t = NOW;

    const runner = new RetentionRunner({ dataDir: dir, index, limits: () => limits, records: { events: store, audit }, clock: fixedClock(NOW) });
    const report = await runner.runNow();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.deleted.map((d) => [d.kind, d.path, d.reason]), [['segment', segOld, 'age']]);
    assert.deepEqual(report.records, { events: 1, eventSnapshots: 1, lineCounts: 1, occupancy: 1, dwell: 1, heat: 1, audit: 1, grants: 0 });

    assert.equal(existsSync(path.join(dir, segOld)), false);
    assert.equal(existsSync(path.join(dir, segNew)), true);
    assert.deepEqual(index.all().map((s) => s.path), [segNew]);
    assert.equal(existsSync(path.join(dir, snapOld)), false, "the old event's snapshot went with it");
    assert.equal(existsSync(path.join(dir, path.dirname(snapOld))), false, 'and its emptied day folder');
    assert.equal(existsSync(path.join(dir, snapNew)), true);
    assert.deepEqual((await store.queryEvents({})).events.map((e) => e.id), ['ev-29d']);
    const range = { cameraId: 'cam-a', from: NOW - 400 * DAY, to: NOW, bucket: 'day' as const };
    assert.equal((await store.queryLineCounts(range)).length, 1);
    assert.equal((await store.queryZoneOccupancy(range)).length, 1);
    assert.equal((await store.queryZoneDwell(range)).length, 1);
    assert.ok((await store.readHeatGrid({ cameraId: 'cam-a', from: NOW - 366 * DAY, to: NOW - 365 * DAY })) === null);
    assert.deepEqual(audit.list().map((e) => e.target ?? e.action), ['cam-a-300', 'audit_purge']);
    assert.deepEqual(audit.verify(), { ok: true, entries: 2, purgedThrough: 1 });

    // Old records are deleted at most once per recordsIntervalMs (an hour by default); segments at every run.
    await store.appendEvents([{ id: 'ev-40d', cameraId: 'cam-a', type: 'intrusion', rule: 'door', trackId: 5, class: 'person', startTime: NOW - 40 * DAY, endTime: NOW - 40 * DAY, frame: 1 }]);
    assert.equal((await runner.runNow()).records.events, 0);
    assert.equal((await store.getEvent('ev-40d'))?.id, 'ev-40d');
    // New limits (an admin's change in the app) apply at once, records too, without waiting for the interval.
    limits = { ...limits, eventDays: 20 };
    assert.equal((await runner.limitsChanged()).records.events, 2, 'the 40-day and the 29-day events, past 20 days');
    assert.equal(await store.getEvent('ev-40d'), null);
    assert.ok(fileBytes(file).length > 0);
    await store.close();
  });
});

describe('deletion is real: nothing is left in the database file', () => {
  test('deleted events, aggregates and audit entries leave none of their bytes in the database file or its WAL', async () => {
    const { file, store, audit, clock } = await dataDir();
    const marks = { event: 'EVENT-ID-7c1f0e', rule: 'RULE-NAME-b83e2d', data: 'EVENT-DATA-91aa3f', zone: 'ZONE-NAME-5d0c6b', dwellZone: 'DWELL-ZONE-2f8a71', line: 'LINE-NAME-e4b7a9', audit: 'AUDIT-TARGET-33f0c1', grant: 'GRANT-REASON-6a2d04 who forced the door' };
    const keep = 'KEPT-EVENT-0d9e88';
    await store.appendEvents([
      { id: marks.event, cameraId: 'cam-a', type: 'intrusion', rule: marks.rule, trackId: 1, class: 'person', startTime: NOW - 40 * DAY, endTime: NOW - 40 * DAY, frame: 1, data: { note: marks.data } },
      { id: keep, cameraId: 'cam-a', type: 'intrusion', rule: 'door', trackId: 2, class: 'person', startTime: NOW - DAY, frame: 1 },
    ]);
    await store.addLineCrossings('cam-a', NOW - 400 * DAY, [{ type: 'line_crossing', rule: marks.line, trackId: 1, class: 'person', frame: 1, time: 0, direction: 'in' }]);
    await store.addZoneOccupancy('cam-a', [{ zone: marks.zone, minute: NOW - 400 * DAY, peak: 1, objectMs: 1, observedMs: MIN }]);
    await store.addZoneExits('cam-a', NOW - 400 * DAY, [{ type: 'zone_exit', rule: marks.dwellZone, trackId: 1, class: 'person', frame: 1, time: 0, seconds: 30 }]);
    clock.t = NOW - 400 * DAY;
    audit.append({ actor: 'alice', action: 'live_view', target: marks.audit });
    clock.t = NOW;
    // A grant of unredacted video over 400 days ago, with its reason, goes with the audit log; one of yesterday stays.
    const users = new SqliteUserStore(store.db, { now: () => clock.t, hashParams: { memoryCost: 64, timeCost: 1, parallelism: 1 } });
    const alice = await users.create({ name: 'alice', password: 'tr0mbone-kettle-sunrise', role: 'operator' });
    const grants = new SqliteUnredactedGrantStore(store.db);
    grants.add({ userId: alice.id, cameraId: 'cam-a', reason: marks.grant, grantedAt: NOW - 400 * DAY, expiresAt: NOW - 400 * DAY + 15 * MIN });
    const recent = grants.add({ userId: alice.id, cameraId: 'cam-a', reason: 'Yesterday: who took the parcel', grantedAt: NOW - DAY, expiresAt: NOW - DAY + 15 * MIN });
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const before = fileBytes(file);
    for (const [what, mark] of Object.entries(marks)) assert.ok(before.includes(mark), `the ${what} is in the file before (so the test can see it)`);

    const report = await new RetentionRunner({
      dataDir: path.dirname(file),
      index: new SqliteSegmentIndex(store.db),
      limits: { videoHours: 72, maxDiskGb: 50, minFreeGb: 0, eventDays: 30, aggregateDays: 365, auditDays: 365 },
      records: { events: store, audit, grants },
      clock: fixedClock(NOW),
    }).runNow();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.records, { events: 1, eventSnapshots: 0, lineCounts: 1, occupancy: 1, dwell: 1, heat: 0, audit: 1, grants: 1 });
    assert.deepEqual(grants.get(recent.id), recent, 'a recent grant stays');

    const afterBytes = fileBytes(file);
    for (const [what, mark] of Object.entries(marks)) assert.equal(afterBytes.includes(mark), false, `the deleted ${what} (${mark}) is gone from the file's bytes`);
    assert.ok(afterBytes.includes(keep), 'the kept event is still there');
    assert.equal(store.db.pragma('secure_delete', { simple: true }), 1);
    await store.close();
  });
});

describe('aggregates hold no identities', () => {
  test('the counts, occupancy, dwell and heat tables have no column for a track, a box or a picture, and hold none after writes', async () => {
    const { store } = await dataDir();
    const columns = (table: string): string[] => store.db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name);
    assert.deepEqual(columns('line_counts'), ['camera_id', 'line', 'minute', 'in_count', 'out_count']);
    assert.deepEqual(columns('zone_occupancy'), ['camera_id', 'zone', 'minute', 'peak', 'object_ms', 'observed_ms']);
    assert.deepEqual(columns('zone_dwell'), ['camera_id', 'zone', 'minute', 'exits', 'dwell_ms', 'bin_lt5s', 'bin_5_15s', 'bin_15_30s', 'bin_30_60s', 'bin_1_2min', 'bin_2_5min', 'bin_5_15min', 'bin_ge15min']);
    assert.deepEqual(columns('heat_grids'), ['camera_id', 'hour', 'cols', 'rows', 'cell_width', 'cell_height', 'seconds']);

    // Crossings, occupancy and exits of tracks with distinctive ids: none of the ids reaches the tables.
    const trackIds = [424_242, 515_151];
    await store.addLineCrossings('cam-a', NOW, trackIds.map((trackId, i) => ({ type: 'line_crossing', rule: 'gate', trackId, class: 'person', frame: i + 1, time: i, direction: 'in' })));
    await store.addZoneOccupancy('cam-a', [{ zone: 'door', minute: NOW, peak: 2, objectMs: 2000, observedMs: MIN }]);
    await store.addZoneExits('cam-a', NOW, trackIds.map((trackId, i) => ({ type: 'zone_exit', rule: 'door', trackId, class: 'person', frame: i + 1, time: i, seconds: 3 + i })));
    const heat = createHeatGrid({ width: 40, height: 30 }, 10);
    await store.mergeHeatGrid('cam-a', NOW, { ...heat, seconds: heat.seconds.map((_, i) => (i === 5 ? 1.5 : 0)) });
    for (const table of ['line_counts', 'zone_occupancy', 'zone_dwell', 'heat_grids']) {
      const rows = store.db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
      assert.ok(rows.length > 0, table);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          assert.ok(!trackIds.includes(value as number), `${table} holds a track id`);
          if (Buffer.isBuffer(value)) assert.equal(value.length, heat.cols * heat.rows * 8, `${table}: a blob is only the grid of seconds per cell`);
        }
      }
    }
    await store.close();
  });
});
