// Redaction on every path that shows video to a person, through the real server over HTTPS: the
// camera keeps its redaction boxes with the recording, and an admin without a grant gets live.jpg,
// an event snapshot, a recorded segment, an export, a playback stream and a scrubber preview with people's heads pixelated: pictures that
// differ from what is stored in a small part (the heads), never all over, and never unchanged. The
// shared redacted live stream decodes at the camera's size.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { DEMO_CLIP, DEMO_DIR } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { call, filesUnder, setupOwner } from './fixtures/https.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-redaction-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'tr0mbone-kettle-sunrise';

/** The first `n` frames of a video as grey levels at 384x288. */
function grey(file: string, n: number): Uint8Array[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', 'scale=384:288', '-frames:v', String(n), '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 256 << 20 });
  const size = 384 * 288;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

/** Share of pixels more than 30 grey levels apart. */
function changed(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 30) n++;
  return n / a.length;
}

async function greyJpeg(jpeg: Buffer): Promise<Uint8Array> {
  return sharp(jpeg).resize(384, 288, { fit: 'fill' }).greyscale().raw().toBuffer();
}

test('an admin without a grant gets redacted live.jpg, snapshots, segments, exports and live video', { timeout: 240_000 }, async () => {
  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  assert.ok(analytics.ok);
  const cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'plaza' });
  const config = serverConfigSchema.parse({
    server: { port: 0 },
    detect: { workers: 1 },
    recording: { segmentSeconds: 2 },
    cameras: [{ name: 'plaza', url: cam.url, record: { mode: 'continuous' }, analytics: analytics.value }],
  });
  const dataDir = path.join(dir, 'data');
  const server = await startServer({ config, dataDir, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: process.env.HTTP_LOG === "1", log: (l) => { if (process.env.HTTP_LOG === "1") console.error(l); } });
  try {
    const { auth } = await setupOwner(server, 'owner', PASSWORD);
    const [view] = await server.cameras.list();
    assert.ok(view);
    await waitFor(() => filesUnder(path.join(dataDir, 'recordings'), '.ts').length >= 4 && filesUnder(path.join(dataDir, 'snapshots'), '.jpg').length >= 1, 120_000, 'segments and a snapshot');

    // live.jpg: the stored frame's heads pixelated; the newest frame moves on, so compare with a raw frame taken just before.
    const raw = await server.cameras.latestJpeg(view.id);
    const shown = await call(server, 'GET', `/api/cameras/${view.id}/live.jpg`, auth);
    assert.equal(shown.status, 200);
    const liveChange = changed(await greyJpeg(raw!), await greyJpeg(shown.body));
    assert.ok(server.cameras.latestRedaction(view.id)!.rects.length > 0, 'the newest analysed frame has people to hide');
    assert.ok(liveChange > 0.002 && liveChange < 0.25, `live.jpg is redacted in part (${(100 * liveChange).toFixed(1)} % of pixels changed)`);

    // A snapshot: the stored file against what the API sends.
    const events = JSON.parse((await call(server, 'GET', `/api/events?camera=${view.id}&limit=50`, auth)).body.toString()) as { events: { id: string; snapshotPath: string | null }[] };
    const withSnapshot = events.events.find((e) => e.snapshotPath !== null);
    assert.ok(withSnapshot, 'an event has a snapshot');
    const snap = await call(server, 'GET', `/api/events/${withSnapshot.id}/snapshot.jpg`, auth);
    assert.equal(snap.status, 200);
    const storedSnap = await sharp(path.join(dataDir, withSnapshot.snapshotPath!)).toBuffer();
    const snapChange = changed(await greyJpeg(storedSnap), await greyJpeg(snap.body));
    assert.ok(snapChange > 0.002 && snapChange < 0.25, `the snapshot is redacted in part (${(100 * snapChange).toFixed(1)} %)`);

    // A recorded segment and an export of the same range.
    // A segment recorded while the camera was being analysed: one from before its first analysed
    // frame (the detector still loading) is pixelated whole, fail-closed, which says nothing here.
    const analysedSince = server.cameras.latestRedaction(view.id)!.time;
    type Listed = { segments: { id: number; startTime: number; endTime: number }[] };
    let found: Listed['segments'][number] | undefined;
    await waitFor(async () => {
      const list = JSON.parse((await call(server, 'GET', `/api/cameras/${view.id}/recordings?from=${analysedSince}&to=${Date.now() + 60_000}`, auth)).body.toString()) as Listed;
      found = list.segments.find((x) => x.startTime >= analysedSince);
      return found !== undefined;
    }, 60_000, 'a segment recorded while the camera is analysed');
    const segment = found!;
    const seg = await call(server, 'GET', `/api/cameras/${view.id}/recordings/${segment.id}`, auth);
    assert.equal(seg.status, 200);
    const segFile = path.join(dir, 'shown.ts');
    writeFileSync(segFile, seg.body);
    const stored = filesUnder(path.join(dataDir, 'recordings'), '.ts').find((f) => path.basename(f) === `${segment.startTime}.ts`);
    assert.ok(stored, 'the stored segment is on disk');
    const a = grey(segFile, 10);
    assert.ok(a.length >= 5, 'the redacted segment decodes');
    const b = grey(stored, 10);
    const c = changed(a[2]!, b[2]!);
    assert.ok(c > 0.002 && c < 0.25, `the segment is redacted in part (${(100 * c).toFixed(1)} %)`);
    const exp = await call(server, 'GET', `/api/cameras/${view.id}/export.mp4?from=${segment.startTime}&to=${segment.endTime}`, auth);
    assert.equal(exp.status, 200);
    const expFile = path.join(dir, 'export.mp4');
    writeFileSync(expFile, exp.body);
    assert.ok(grey(expFile, 5).length >= 3, 'the redacted export decodes');

    // Playback from the timeline: the stream is redacted while it plays, on the same frames.
    const played = await call(server, 'GET', `/api/cameras/${view.id}/playback.mp4?from=${segment.startTime}&to=${segment.endTime}`, auth);
    assert.equal(played.status, 200, played.body.toString().slice(0, 300));
    assert.match(String(played.headers['x-sightline-codec']), /^avc1\./);
    assert.equal(Number(played.headers['x-sightline-start']), segment.startTime, 'a segment starts on a key frame');
    const playFile = path.join(dir, 'played.mp4');
    writeFileSync(playFile, played.body);
    const p = grey(playFile, 10);
    assert.ok(p.length >= 5, 'the redacted playback decodes');
    const pc = changed(p[2]!, b[2]!);
    assert.ok(pc > 0.002 && pc < 0.25, `the playback is redacted in part (${(100 * pc).toFixed(1)} %)`);

    // A scrubber preview: the picture at the moment, redacted like a snapshot.
    const at = segment.startTime + 500;
    const preview = await call(server, 'GET', `/api/cameras/${view.id}/preview.jpg?at=${at}&width=384`, auth);
    assert.equal(preview.status, 200, preview.body.toString().slice(0, 300));
    const rawPreview = execFileSync('ffmpeg', ['-v', 'error', '-i', stored, '-ss', '0.500', '-frames:v', '1', '-vf', 'scale=384:-2', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'], { maxBuffer: 16 << 20 });
    const prc = changed(await greyJpeg(rawPreview), await greyJpeg(preview.body));
    assert.ok(prc > 0.002 && prc < 0.25, `the preview is redacted in part (${(100 * prc).toFixed(1)} %)`);

    // The shared redacted live stream: one pipeline for two viewers, at the camera's size.
    const live = server.cameras.redactedLiveStream(view.id)!;
    const parts: Buffer[] = [];
    let fragments = 0;
    const s1 = live.open({ onInit: (_m, init) => void parts.push(init), onMedia: (f) => void (parts.push(f), fragments++), onEnd: () => undefined });
    const s2 = live.open({ onInit: () => undefined, onMedia: () => undefined, onEnd: () => undefined });
    await waitFor(() => fragments >= 10, 60_000, 'redacted live fragments');
    await s1.close();
    await s2.close();
    const liveFile = path.join(dir, 'live.mp4');
    writeFileSync(liveFile, Buffer.concat(parts));
    const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', liveFile], { encoding: 'utf8' }).trim();
    assert.equal(probe, '768,576');
    assert.equal((live as unknown as { runs: number }).runs, 1, 'two viewers share one redacted stream');
  } finally {
    await server.close();
    await cam.stop();
  }
});
