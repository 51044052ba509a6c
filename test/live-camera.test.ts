import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { prepareCenterNetOnnx } from '../src/detect/centernet-onnx-model.ts';
import { createDetectorPool } from '../src/detect/worker-pool.ts';
import { InProcessBus } from '../src/events/bus.ts';
import type { CameraHealth, LiveEventMessage, CountMessage, TracksMessage } from '../src/events/live-event.ts';
import type { CameraConfig } from '../src/config/schema/server.ts';
import { CameraManager } from '../src/live/camera-manager.ts';
import { SecretBox } from '../src/security/secret-box.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-live-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a live file camera analyses continuously: events with snapshots, counts, heat, health, and a clean stop', { timeout: 90_000 }, async () => {
  const pool = await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await prepareCenterNetOnnx(dir), threads: 1 }, workers: 1 });
  const db = openDatabase(databasePath(dir));
  const store = new SqliteEventStore(db);
  const bus = new InProcessBus();
  const events: LiveEventMessage[] = [];
  const counts: CountMessage[] = [];
  const health: CameraHealth[] = [];
  bus.subscribe('event', (m) => events.push(m));
  bus.subscribe('count', (m) => counts.push(m));
  bus.subscribe('health', (m) => health.push(m));
  const tracksSeen: TracksMessage[] = [];
  bus.subscribe('tracks', (m) => tracksSeen.push(m));
  const manager = new CameraManager({ store, secrets: new SecretBox(Buffer.alloc(32, 7)), pool, bus, dataDir: dir });
  try {
    const cameraConfig: CameraConfig = {
      name: 'demo',
      url: path.join(ROOT, 'demo/pets09-s2l1-excerpt.mp4'),
      enabled: true,
      purpose: { statement: 'test' },
      fps: 5,
      record: { mode: 'off', preRollSeconds: 0, postRollSeconds: 0 },
      analytics: (await import('../src/config/schema/index.ts')).analyticsConfigSchema.parse({
        lines: [{ name: 'horizontal', points: [[0, 300], [768, 300]], inside: [384, 500] }],
        zones: [{ name: 'plaza', polygon: [[100, 200], [700, 200], [700, 560], [100, 560]], loitering: { seconds: 2 } }],
        detect: { motion: { enabled: false } },
      }),
      arming: {},
      snapshots: true,
      privacyMasks: [],
    };
    await manager.start([cameraConfig]);
    const [cam] = await manager.list();
    assert.ok(cam);
    await waitFor(
      () => counts.length > 0 && events.some((e) => e.event.type === 'line_crossing' && e.kind === 'new') && events.some((e) => e.event.type === 'loitering' && e.kind === 'new'),
      60_000,
      'a line crossing and a loitering alarm',
    );
    const crossing = events.find((e) => e.event.type === 'line_crossing' && e.kind === 'new')!;
    assert.equal(crossing.event.cameraName, 'demo');
    assert.ok(crossing.event.snapshotPath !== null && existsSync(path.join(dir, crossing.event.snapshotPath)), 'snapshot written');
    assert.ok(Math.abs(crossing.frameTime - Date.now()) < 60_000);
    const stored = await store.getEvent(crossing.event.id);
    assert.equal(stored?.type, 'line_crossing');
    assert.equal(stored?.endTime, stored?.startTime, 'an instant event ends as it starts');
    await waitFor(() => events.some((e) => e.kind === 'end' && e.event.id === crossing.event.id), 10_000, 'the end of the instant crossing');
    const loiter = events.find((e) => e.event.type === 'loitering' && e.kind === 'new')!;
    // The alarm opens without an end; the person may have left the zone by
    // now, so the stored row is either still open or carries the end that is
    // (or is about to be) published, never one before its start.
    assert.equal(loiter.event.endTime, null, 'an open alarm has no end yet');
    const storedLoiter = await store.getEvent(loiter.event.id);
    if (storedLoiter?.endTime != null) {
      await waitFor(() => events.some((e) => e.kind === 'end' && e.event.id === loiter.event.id), 10_000, 'the published end of the stored alarm');
      assert.ok(storedLoiter.endTime >= storedLoiter.startTime, 'an ended alarm ends after it starts');
    }
    const jpeg = await manager.latestJpeg(cam.id);
    assert.deepEqual([...jpeg!.subarray(0, 2)], [0xff, 0xd8]);
    const h = (await manager.get(cam.id))!.health;
    assert.equal(h.state, 'connected');
    assert.ok(h.analysedFps > 1, `analysed fps ${h.analysedFps}`);
    const now = Date.now();
    const rows = await store.queryLineCounts({ cameraId: cam.id, from: now - 3_600_000, to: now + 60_000, bucket: 'hour' });
    const total = rows.reduce((s, r) => s + r.in + r.out, 0);
    const last = counts.at(-1)!;
    assert.equal(total, last.in + last.out, 'stored counts match the published totals');
    await manager.stop();
    assert.notEqual((await store.getEvent(loiter.event.id))?.endTime, null, 'stopping ends open alarms');
    assert.ok(await store.readHeatGrid({ cameraId: cam.id, from: now - 3_600_000, to: now + 3_600_000 }), 'heat flushed on stop');
    assert.equal(health.at(-1)?.state, 'stopped');

    // Occupancy is stored from the tracks present, and the stop closed every entrance with an exit.
    const occupancyAfter = async (): Promise<{ peak: number; enters: number; exits: number }> => {
      const occ = await store.queryZoneOccupancy({ cameraId: cam.id, from: now - 3_600_000, to: Date.now() + 60_000, bucket: 'minute' });
      const count = async (type: 'zone_enter' | 'zone_exit'): Promise<number> => (await store.queryEvents({ cameraId: cam.id, type, rule: 'plaza', limit: 1000 })).events.length;
      return { peak: Math.max(0, ...occ.filter((r) => r.zone === 'plaza').map((r) => r.peak)), enters: await count('zone_enter'), exits: await count('zone_exit') };
    };
    const mostInView = (): number => Math.max(0, ...tracksSeen.map((m) => m.tracks.length));
    const first = await occupancyAfter();
    assert.ok(first.peak > 0, 'occupancy was stored');
    assert.ok(first.peak <= mostInView(), `peak ${first.peak} is never above the tracks in view (${mostInView()})`);
    assert.equal(first.exits, first.enters, 'every entrance has its exit once the camera stopped');
    // A restart (as an editor Save does) starts from what the camera sees: nothing accumulates.
    const framesBefore = tracksSeen.length;
    await manager.start([cameraConfig]);
    await waitFor(() => tracksSeen.length >= framesBefore + 10, 60_000, 'frames after the restart');
    await manager.stop();
    const second = await occupancyAfter();
    assert.ok(second.peak <= mostInView(), `after a restart the peak ${second.peak} is still never above the tracks in view (${mostInView()})`);
    assert.equal(second.exits, second.enters, 'after a restart every entrance still has its exit');
  } finally {
    await manager.stop();
    await pool.close();
    db.close();
  }
});
