// One connection per camera stream, however many consumers: a running camera's decoder, its
// recorder, its live.jpg and eight live viewers all read the camera's media hub, and the camera
// sees one session (one reader on its RTSP path, one connection opened). Every viewer gets the
// init segment and key-frame-first fragments stamped with the stream time.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-viewers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('decoder, recorder, live.jpg and 8 live viewers of a camera: one session at the camera', { timeout: 120_000 }, async () => {
  const cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'gate' });
  const config = serverConfigSchema.parse({
    server: { port: 0 },
    detect: { workers: 1 },
    recording: { segmentSeconds: 2 },
    cameras: [{ name: 'gate', url: cam.url, record: { mode: 'continuous' } }],
  });
  const server = await startServer({ config, dataDir: path.join(dir, 'data'), hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
  const sessions: { close(): Promise<void> }[] = [];
  try {
    const [view] = await server.cameras.list();
    assert.ok(view);
    const readers = (): number => cam.relay.stats().paths.find((p) => p.path === 'gate')?.readers ?? 0;
    await waitFor(async () => {
      const h = (await server.cameras.get(view.id))!.health;
      return h.lastFrameAt !== null && h.recording;
    }, 60_000, 'the camera to deliver frames and record');
    assert.equal(readers(), 1, 'decoder and recorder share one reader at the camera');
    // live.jpg is the newest analysed frame: the first one takes the detector's first run.
    await waitFor(async () => (await server.cameras.latestJpeg(view.id)) !== null, 60_000, 'the first analysed frame');
    const jpeg = await server.cameras.latestJpeg(view.id);
    assert.ok(jpeg !== null && jpeg[0] === 0xff && jpeg[1] === 0xd8, 'live.jpg is a JPEG');
    const live = await server.cameras.liveStream(view.id);
    assert.ok(live);
    const seen = Array.from({ length: 8 }, () => ({ init: false, fragments: 0, firstStreamTime: undefined as number | undefined, ended: false }));
    for (const s of seen) {
      sessions.push(live.open({
        onInit: () => (s.init = true),
        onMedia: (_fragment, streamTime) => {
          if (s.fragments++ === 0) s.firstStreamTime = streamTime;
        },
        onEnd: () => (s.ended = true),
      }));
    }
    await waitFor(() => seen.every((s) => s.init && s.fragments >= 3), 30_000, 'every viewer to get the init segment and fragments');
    assert.equal(readers(), 1, '8 viewers, the decoder and the recorder: 1 reader at the camera');
    assert.equal(server.cameras.cameraSessions(view.id), 1, 'the hub opened one session to the camera');
    assert.equal(cam.relay.stats().connections, 2, "the camera's connections: its own publisher and the hub");
    for (const s of seen) {
      assert.equal(typeof s.firstStreamTime, 'number', 'the first fragment carries its stream time');
      assert.equal(s.ended, false);
    }
  } finally {
    for (const s of sessions) await s.close();
    await server.close();
    await cam.stop();
  }
});
