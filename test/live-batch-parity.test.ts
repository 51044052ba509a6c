/**
 * One frame loop: the demo clip through a live camera (the code `sightline serve` runs per camera)
 * and through `analyze` (what `sightline analyze` runs) at the same analysed rate gives the same
 * tracks, frame by frame, and the same rule events (zone exits with the same dwell). The live camera is told to analyse every frame
 * (`everyFrame`), so a busy machine changes how long this takes, never what it compares.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyticsConfigSchema } from '../src/config/schema/index.ts';
import { prepareCenterNetOnnx } from '../src/detect/centernet-onnx-model.ts';
import { analysisSize } from '../src/detect/detect-options.ts';
import { createDetectorPool } from '../src/detect/worker-pool.ts';
import { InProcessBus } from '../src/events/bus.ts';
import type { TracksMessage } from '../src/events/live-event.ts';
import { FfmpegSource } from '../src/ingest/ffmpeg-source.ts';
import { LiveCamera } from '../src/live/live-camera.ts';
import { analyze } from '../src/pipeline/analyze.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-parity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLIP = path.join(ROOT, 'demo/pets09-s2l1-excerpt.mp4');
const FPS = 5;
const SIZE = { width: 768, height: 576 };

test('the demo clip through a live camera and through analyze at 5 fps: the same tracks frame by frame, the same events', { timeout: 240_000 }, async () => {
  const pool = await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await prepareCenterNetOnnx(dir), threads: 1 }, workers: 1 });
  const config = analyticsConfigSchema.parse({
    lines: [
      { name: 'vertical', points: [[384, 150], [384, 400]], inside: [600, 300], classes: ['person'] },
      { name: 'horizontal', points: [[0, 300], [768, 300]], inside: [384, 500], classes: ['person'] },
    ],
    zones: [{ name: 'plaza', polygon: [[100, 200], [700, 200], [700, 560], [100, 560]], classes: ['person'], loitering: { seconds: 3 } }],
  });
  const db = openDatabase(databasePath(dir));
  try {
    // Batch.
    const frames = new FfmpegSource({ url: CLIP, live: false, size: analysisSize(pool.traits, config.detect, SIZE), fit: config.detect.fit, fps: FPS });
    const batch = await analyze({ frames, sourceSize: SIZE, analysedFps: FPS, config, pool });
    const n = batch.stats.frames;
    assert.ok(n >= 140, `the 30 s clip gives about 150 frames at 5 fps, got ${n}`);
    assert.ok(batch.events.some((e) => e.type === 'line_crossing'), 'the clip has line crossings to compare');

    // Live, on the same clip (looped as a file camera is), until it has analysed past the first pass.
    const store = new SqliteEventStore(db);
    const cam = await store.addCamera({ name: 'parity', url: CLIP, enabled: true, config: {} });
    const bus = new InProcessBus();
    const tracks: TracksMessage[] = [];
    bus.subscribe('tracks', (m) => tracks.push(m));
    const live = new LiveCamera({
      id: cam.id,
      name: 'parity',
      config: { name: 'parity', url: CLIP, enabled: true, purpose: { statement: 'test' }, fps: FPS, record: { mode: 'off', preRollSeconds: 0, postRollSeconds: 0 }, analytics: config, arming: {}, snapshots: false, privacyMasks: [] },
      streamUrl: CLIP,
      pool,
      store,
      bus,
      dataDir: dir,
      everyFrame: true,
    });
    live.start();
    try {
      await waitFor(() => tracks.length >= n + 2, 200_000, `the live camera to analyse ${n + 2} frames`);
    } finally {
      await live.stop();
    }

    // Tracks, frame by frame: the observed tracks of each of the n frames, ids and boxes.
    const round = (v: number): number => Math.round(v * 100) / 100;
    const batchFrames = new Map<number, string[]>();
    for (const r of batch.rows) {
      const list = batchFrames.get(r.frame) ?? [];
      list.push(`${r.id}:${[r.box.x, r.box.y, r.box.w, r.box.h].map(round).join(',')}`);
      batchFrames.set(r.frame, list);
    }
    const indexes = [...new Set(batch.occupancy.map((o) => o.frame))];
    assert.equal(indexes.length, n);
    for (let i = 0; i < n; i++) {
      const want = (batchFrames.get(indexes[i]!) ?? []).sort();
      const got = tracks[i]!.tracks.filter((t) => t.observed).map((t) => `${t.id}:${t.box.join(',')}`).sort();
      assert.deepEqual(got, want, `frame ${indexes[i]}: live tracks equal batch tracks`);
    }

    // Events of the frames before the last batch frame (the end-of-stream events of each run come after).
    const last = indexes[n - 1]!;
    const key = (e: { type: string; rule: string; trackId: number | null; direction?: string | null | undefined; frame: number }): string => `${e.frame} ${e.type} ${e.rule} ${e.trackId} ${e.direction ?? ''}`;
    const batchEvents = batch.events.filter((e) => e.frame < last && (e.phase === undefined || e.phase === 'start')).map(key).sort();
    const stored = await store.queryEvents({ cameraId: cam.id, limit: 1000 });
    const liveEvents = stored.events.filter((e) => e.frame < last).map((e) => key({ ...e, direction: e.direction })).sort();
    assert.ok(batchEvents.length > 0);
    assert.deepEqual(liveEvents, batchEvents, 'live stores the events batch finds');

    // Counts: what the live camera stored equals the batch summary over the same frames.
    const counted = batch.events.filter((e) => e.type === 'line_crossing' && e.frame < last);
    const rows = await store.queryLineCounts({ cameraId: cam.id, from: 0, to: Date.now() + 3_600_000, bucket: 'day' });
    const liveCrossings = (await store.queryEvents({ cameraId: cam.id, type: 'line_crossing', limit: 1000 })).events;
    assert.equal(
      rows.reduce((s, r) => s + r.in + r.out, 0),
      liveCrossings.length,
      'every live crossing reached the stored counts',
    );
    assert.ok(liveCrossings.filter((e) => e.frame < last).length === counted.length);

    // Dwell: every exit carries the same dwell live and in batch, and every live exit reached the stored dwell.
    const dwellOf = (frame: number, trackId: number | null, seconds: unknown): string => `${frame} ${trackId} ${typeof seconds === 'number' ? round(seconds) : 'none'}`;
    const batchDwell = batch.events.filter((e) => e.type === 'zone_exit' && e.frame < last).map((e) => dwellOf(e.frame, e.trackId, e.seconds)).sort();
    const liveExits = (await store.queryEvents({ cameraId: cam.id, type: 'zone_exit', limit: 1000 })).events;
    assert.ok(batchDwell.length > 0, 'the clip has zone exits to compare');
    assert.deepEqual(liveExits.filter((e) => e.frame < last).map((e) => dwellOf(e.frame, e.trackId, e.data['seconds'])).sort(), batchDwell, 'live stores the dwell batch finds');
    const dwell = await store.queryZoneDwell({ cameraId: cam.id, from: 0, to: Date.now() + 3_600_000, bucket: 'day' });
    assert.equal(dwell.reduce((s, r) => s + r.exits, 0), liveExits.length, 'every live exit reached the stored dwell');
  } finally {
    db.close();
    await pool.close();
  }
});
