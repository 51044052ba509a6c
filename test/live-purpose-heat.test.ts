/** A live camera keeps a heat map only when its purpose allows one: with `allows: [counting]` no heat grid reaches the store. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { analyticsConfigSchema } from '../src/config/schema/index.ts';
import type { CameraConfig } from '../src/config/schema/server.ts';
import { prepareCenterNetOnnx } from '../src/detect/centernet-onnx-model.ts';
import { createDetectorPool } from '../src/detect/worker-pool.ts';
import { InProcessBus } from '../src/events/bus.ts';
import type { TracksMessage } from '../src/events/live-event.ts';
import { CameraManager } from '../src/live/camera-manager.ts';
import { SecretBox } from '../src/security/secret-box.ts';
import { databasePath, openDatabase } from '../src/store/database.ts';
import { SqliteEventStore } from '../src/store/sqlite-event-store.ts';
import { ROOT } from './fixtures/data.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-purpose-heat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a camera whose purpose does not allow a heat map stores none, while it counts', { timeout: 90_000 }, async () => {
  const pool = await createDetectorPool({ backend: { kind: 'centernet-onnx', modelPath: await prepareCenterNetOnnx(dir), threads: 1 }, workers: 1 });
  const db = openDatabase(databasePath(dir));
  const store = new SqliteEventStore(db);
  const bus = new InProcessBus();
  const seen: TracksMessage[] = [];
  bus.subscribe('tracks', (m) => seen.push(m));
  const manager = new CameraManager({ store, secrets: new SecretBox(Buffer.alloc(32, 7)), pool, bus, dataDir: dir });
  try {
    const camera: CameraConfig = {
      name: 'footfall',
      url: path.join(ROOT, 'demo/pets09-s2l1-excerpt.mp4'),
      enabled: true,
      purpose: { statement: 'Footfall only', allows: ['counting'] },
      fps: 5,
      record: { mode: 'off', preRollSeconds: 0, postRollSeconds: 0 },
      analytics: analyticsConfigSchema.parse({ lines: [{ name: 'horizontal', points: [[0, 300], [768, 300]], inside: [384, 500] }], detect: { motion: { enabled: false } } }),
      arming: {},
      snapshots: false,
      privacyMasks: [],
    };
    const started = Date.now();
    await manager.start([camera]);
    await waitFor(() => seen.filter((m) => m.tracks.length > 0).length >= 10, 60_000, 'ten analysed frames with people');
    await manager.stop();
    const [cam] = await manager.list();
    assert.deepEqual(cam?.purpose, { statement: 'Footfall only', allows: ['counting'] });
    assert.equal(await store.readHeatGrid({ cameraId: cam.id, from: started - 3_600_000, to: Date.now() + 3_600_000 }), null, 'no heat grid stored');
  } finally {
    await manager.stop();
    await pool.close();
    db.close();
  }
});
