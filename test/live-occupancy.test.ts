// Zone occupancy is taken from the tracks present at each moment, so nothing a live camera goes
// through can make it drift: a clip that loops (its people jump back to where they were) and a
// camera that drops and comes back both leave every stored minute's peak at or under the most
// tracks in view, and every zone entrance with its exit once the camera stops. The zone's dwell
// per minute holds exactly the stored exits, each with the dwell its event carries. (A restart, as
// an editor Save does, is in live-camera.test.ts.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CameraConfig } from '../src/config/schema/server.ts';
import { prepareCenterNetOnnx } from '../src/detect/centernet-onnx-model.ts';
import { createDetectorPool, type DetectorPool } from '../src/detect/worker-pool.ts';
import { InProcessBus } from '../src/events/bus.ts';
import type { CameraHealth, TracksMessage } from '../src/events/live-event.ts';
import { CameraManager } from '../src/live/camera-manager.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { SecretBox } from '../src/security/secret-box.ts';
import { addDwellBins, dwellBin, emptyDwellBins, meanDwellSeconds, medianDwellSeconds } from '../src/core/rules/dwell.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-occupancy-'));
let pool: DetectorPool | undefined;
before(async () => {
  pool = await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await prepareCenterNetOnnx(dir), threads: 1 }, workers: 1 });
});
after(async () => {
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function camera(name: string, url: string): Promise<CameraConfig> {
  return {
    name,
    url,
    enabled: true,
    purpose: { statement: 'test' },
    fps: 5,
    record: { mode: 'off', preRollSeconds: 0, postRollSeconds: 0 },
    analytics: (await import('../src/config/schema/index.ts')).analyticsConfigSchema.parse({
      zones: [{ name: 'plaza', polygon: [[0, 100], [768, 100], [768, 576], [0, 576]] }],
      detect: { motion: { enabled: false } },
    }),
    arming: {},
    snapshots: false,
    privacyMasks: [],
  };
}

/** A camera manager on a fresh store, with what its bus carried. */
function harness(name: string): {
  manager: CameraManager; store: SqliteEventStore; tracks: TracksMessage[]; health: CameraHealth[]; close(): Promise<void>;
} {
  const db = openDatabase(databasePath(path.join(dir, name)));
  const store = new SqliteEventStore(db);
  const bus = new InProcessBus();
  const tracks: TracksMessage[] = [];
  const health: CameraHealth[] = [];
  bus.subscribe('tracks', (m) => tracks.push(m));
  bus.subscribe('health', (m) => health.push(m));
  const manager = new CameraManager({ store, secrets: new SecretBox(Buffer.alloc(32, 7)), pool: pool!, bus, dataDir: path.join(dir, name) });
  return {
    manager, store, tracks, health,
    close: async () => {
      await manager.stop();
      db.close();
    },
  };
}

/** Stops the camera and asserts what its occupancy must be whatever happened: stored, never above the tracks in view, every entrance with its exit. */
async function assertOccupancyAfterStop(h: ReturnType<typeof harness>, cameraId: string, since: number): Promise<void> {
  await h.manager.stop();
  const o = await occupancyOf(h, cameraId, since);
  assert.ok(o.peak > 0, 'occupancy was stored');
  assert.ok(o.peak <= o.inView, `the peak ${o.peak} is never above the tracks in view (${o.inView})`);
  assert.ok(o.enters > 0, 'people entered the zone');
  assert.equal(o.exits, o.enters, 'every entrance has its exit');
  await assertDwellMatchesExits(h, cameraId, since);
}

/** The stored dwell of the zone against its stored exit events: the same number, the same dwell added up, each exit in its bin. */
async function assertDwellMatchesExits(h: ReturnType<typeof harness>, cameraId: string, since: number): Promise<void> {
  const rows = (await h.store.queryZoneDwell({ cameraId, from: since - 60_000, to: Date.now() + 60_000, bucket: 'day' })).filter((r) => r.zone === 'plaza');
  const { events } = await h.store.queryEvents({ cameraId, type: 'zone_exit', rule: 'plaza', limit: 1000 });
  const seconds = events.map((e) => e.data['seconds']);
  assert.ok(seconds.every((s) => typeof s === 'number' && s >= 0), 'every stored exit carries its dwell in seconds');
  const exits = rows.reduce((n, r) => n + r.exits, 0);
  assert.equal(exits, events.length, 'the dwell rows count every stored exit');
  const bins = rows.reduce((b, r) => addDwellBins(b, r.bins), emptyDwellBins());
  assert.deepEqual(bins, (seconds as number[]).reduce((b, s) => { b[dwellBin(s)]! += 1; return b; }, emptyDwellBins()), 'each exit in the bin of its dwell');
  const storedMs = rows.reduce((n, r) => n + r.dwellMs, 0);
  const eventMs = (seconds as number[]).reduce((n, s) => n + s * 1000, 0);
  // Events keep their seconds to 0.01 s, the dwell rows to the ms.
  assert.ok(Math.abs(storedMs - eventMs) <= 5 * events.length + 1, `the dwell added up (${storedMs} ms) is the exits' (${eventMs} ms)`);
  dwellFigures.push({ exits, meanSeconds: meanDwellSeconds(exits, storedMs), medianSeconds: medianDwellSeconds(bins), bins });
}

/** The dwell each test found, printed at the end. */
const dwellFigures: { exits: number; meanSeconds: number | null; medianSeconds: number | null; bins: number[] }[] = [];
after(() => console.log(`live dwell in the plaza: ${JSON.stringify(dwellFigures)}`));

/** Starts one camera on the harness's manager and returns its view. */
async function startCamera(h: ReturnType<typeof harness>, config: CameraConfig): Promise<{ id: string }> {
  await h.manager.start([config]);
  const [cam] = await h.manager.list();
  assert.ok(cam, 'the camera runs');
  return cam;
}

/** After the camera stopped: the stored per-minute peaks against the most tracks ever in view, and the zone's entrances and exits. */
async function occupancyOf(h: ReturnType<typeof harness>, cameraId: string, since: number): Promise<{ peak: number; inView: number; enters: number; exits: number }> {
  const rows = await h.store.queryZoneOccupancy({ cameraId, from: since - 60_000, to: Date.now() + 60_000, bucket: 'minute' });
  const count = async (type: 'zone_enter' | 'zone_exit'): Promise<number> => {
    const { events } = await h.store.queryEvents({ cameraId, type, rule: 'plaza', limit: 1000 });
    assert.ok(events.length < 1000, `fewer ${type} events than one page holds`);
    return events.length;
  };
  return {
    peak: Math.max(0, ...rows.filter((r) => r.zone === 'plaza').map((r) => r.peak)),
    inView: Math.max(0, ...h.tracks.map((m) => m.tracks.length)),
    enters: await count('zone_enter'),
    exits: await count('zone_exit'),
  };
}

test('a clip that loops: occupancy never above the tracks in view, every entrance has its exit', { timeout: 120_000 }, async () => {
  // Four seconds of the demo clip, looped by the file camera: its people jump back at every loop.
  const clip = path.join(dir, 'short.mp4');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', DEMO_CLIP, '-t', '4', '-c', 'copy', '-an', clip]);
  const h = harness('loop');
  const since = Date.now();
  try {
    const cam = await startCamera(h, await camera('loop', clip));
    await waitFor(() => (h.tracks.at(-1)?.streamTime ?? 0) > 13, 90_000, 'three loops of the clip');
    await assertOccupancyAfterStop(h, cam.id, since);
  } finally {
    await h.close();
  }
});

test('a camera that drops and comes back: occupancy never above the tracks in view, every entrance has its exit', { timeout: 120_000 }, async () => {
  const source = await startLoopingCamera({ file: DEMO_CLIP, path: 'plaza' });
  const h = harness('drop');
  const since = Date.now();
  try {
    const cam = await startCamera(h, await camera('drop', source.url));
    await waitFor(() => h.tracks.some((m) => m.tracks.length > 0), 60_000, 'people in view');
    // The camera drops (its publisher killed, as a power cut) while people are in the zone, then comes back.
    await source.killPublisher();
    await waitFor(() => h.health.some((s) => s.state === 'reconnecting'), 30_000, 'the camera to notice the drop');
    const beforeReturn = h.tracks.length;
    await source.restartPublisher();
    await waitFor(() => h.tracks.length >= beforeReturn + 10 && h.tracks.slice(beforeReturn).some((m) => m.tracks.length > 0), 60_000, 'people in view again');
    assert.ok((h.health.at(-1)?.reconnects ?? 0) >= 1, 'the drop counted as a reconnect');
    // Those cut off by the drop included.
    await assertOccupancyAfterStop(h, cam.id, since);
  } finally {
    await h.close();
    await source.stop();
  }
});
