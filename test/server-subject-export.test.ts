/**
 * The subject-access export on real footage, through the real server over HTTPS with the real
 * detector: a camera loops the PETS clip and records it, its events keep their person's box and a
 * snapshot; a viewer may not export, nor may anyone by role, a user holding `video:unredacted`
 * must give a reason, and with one gets the event's clip (as many frames as the clip itself, at the
 * camera's size). The person left visible is the event's, found on the frame of its snapshot
 * (whatever the clocks say), and the audit log says so with the reason; an analysis of the clip
 * with the same model shows that person's head as recorded where nobody else comes near them, and
 * everyone else's pixelated.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { loadConfig } from '../src/config/load.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { iou, type Box } from '../src/core/geometry.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { DEMO_CLIP, DEMO_DIR } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { call, json, setupOwner, signIn } from './fixtures/https.ts';
import { runCli } from './fixtures/cli.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-subject-'));
after(() => (process.env.KEEP_DIR ? undefined : rmSync(dir, { recursive: true, force: true })));
if (process.env.KEEP_DIR) process.stderr.write(`dir ${dir}\n`);
const PASSWORD = 'tr0mbone-kettle-sunrise';
const REASON = 'Subject access request 2024-17: the person asked for their footage';
const WIDTH = 768;
const HEIGHT = 576;
const FPS = 10;
/** Frames and the snapshot are compared at this size. */
const SMALL = { width: 192, height: 144 } as const;

interface EventRow {
  id: string;
  type: string;
  trackId: number | null;
  class: string;
  startTime: number;
  endTime: number | null;
  data: { box?: [number, number, number, number]; boxTime?: number };
  snapshotPath: string | null;
}

/** Every frame of an MP4 as grey levels (as stored: none repeated to fill a gap). */
function grey(file: string): Uint8Array[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 1 << 30 });
  const size = WIDTH * HEIGHT;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

/** Every frame of an MP4 as grey levels at {@link SMALL}. */
function greySmall(file: string): Uint8Array[] {
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `scale=${SMALL.width}:${SMALL.height}`, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { maxBuffer: 1 << 28 });
  const size = SMALL.width * SMALL.height;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

/** Mean absolute difference of two grey frames (`width` x `height`) inside a box (clipped to the frame). */
function meanDiff(a: Uint8Array, b: Uint8Array, box: Box, width = WIDTH, height = HEIGHT): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(height, box.y + box.h); y++) {
    for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(width, box.x + box.w); x++) {
      sum += Math.abs(a[y * width + x]! - b[y * width + x]!);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The head itself in a person's box, not its padding (where another person's head may reach). */
const faceOf = (b: Box): Box => ({ x: b.x + b.w * 0.2, y: b.y, w: b.w * 0.6, h: b.h * 0.2 });

/** MOT rows of tracks.txt: frame → id → box. */
function readTracks(file: string): Map<number, Map<number, Box>> {
  const out = new Map<number, Map<number, Box>>();
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
    const [f, id, x, y, w, h] = line.split(',').map(Number) as [number, number, number, number, number, number];
    if (!out.has(f)) out.set(f, new Map());
    out.get(f)!.set(id, { x, y, w, h });
  }
  return out;
}

test('a subject-access export leaves the event\'s person visible and hides everyone else', { timeout: 300_000 }, async () => {
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
  const server = await startServer({ config, dataDir, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
  try {
    const { userId: ownerId, auth } = await setupOwner(server, 'owner', PASSWORD);
    const [view] = await server.cameras.list();
    assert.ok(view);
    assert.equal((await call(server, 'POST', '/api/users', auth, { name: 'watcher', password: PASSWORD, role: 'viewer', cameras: [view.id] })).status, 201);
    const { auth: viewer } = await signIn(server, 'watcher', PASSWORD);

    // An event of a tracked person with its whole clip recorded: 5 s of finished segments before and
    // after it, after the first segment (which starts when ffmpeg opened it, before its first frame).
    type Segment = { id: number; startTime: number; endTime: number };
    const segments = async (): Promise<Segment[]> =>
      json<{ segments: Segment[] }>(await call(server, 'GET', `/api/cameras/${view.id}/recordings?from=0&to=${Date.now() + 60_000}`, auth)).segments.sort((a, b) => a.startTime - b.startTime);
    let event: EventRow | undefined;
    await waitFor(
      async () => {
        const list = await segments();
        if (list.length < 2) return false;
        const first = list[0]!.endTime;
        const last = list.at(-1)!.endTime;
        const events = json<{ events: EventRow[] }>(await call(server, 'GET', `/api/events?camera=${view.id}&class=person&limit=200`, auth)).events;
        const whole = events.filter((e) => e.trackId !== null && e.data.box !== undefined && e.snapshotPath !== null && e.startTime - 5000 > first && (e.endTime ?? e.startTime + 10_000) + 5000 < last);
        // The largest person: the clearest head.
        event = whole.sort((a, b) => b.data.box![3] - a.data.box![3])[0];
        return event !== undefined;
      },
      180_000,
      'an event of a tracked person with its whole clip recorded',
    );
    assert.ok(event);
    const url = `/api/events/${event.id}/subject-export.mp4`;

    const byViewer = await call(server, 'POST', url, viewer, { reason: REASON });
    assert.equal(byViewer.status, 403, byViewer.body.toString());
    assert.equal((await call(server, 'POST', url, auth, { reason: REASON })).status, 403, 'nobody holds the permission by role, admins included');
    assert.equal((await call(server, 'PATCH', `/api/users/${ownerId}`, auth, { unredactedVideo: true })).status, 200);
    const noReason = await call(server, 'POST', url, auth, {});
    assert.equal(noReason.status, 400, noReason.body.toString());
    assert.equal(json<{ error: { code: string } }>(noReason).error.code, 'REQUEST_INVALID');

    // The subject export, and under a grant the clip as recorded.
    const started = performance.now();
    const exported = await call(server, 'POST', url, auth, { reason: REASON });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(exported.status, 200, exported.body.toString());
    assert.equal(exported.body.length > 10_000, true);
    const grant = await call(server, 'POST', `/api/cameras/${view.id}/unredacted`, auth, { reason: 'Comparing the subject export with the recording', minutes: 5 });
    assert.equal(grant.status, 201, grant.body.toString());
    const recorded = await call(server, 'GET', `/api/events/${event.id}/clip.mp4`, auth);
    assert.equal(recorded.status, 200);
    const files = { subject: path.join(dir, 'subject.mp4'), recorded: path.join(dir, 'recorded.mp4') };
    writeFileSync(files.subject, exported.body);
    writeFileSync(files.recorded, recorded.body);

    const probe = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', files.subject], { encoding: 'utf8' }).trim();
    assert.equal(probe, `${WIDTH},${HEIGHT}`);
    const raw = grey(files.recorded);
    const subject = grey(files.subject);
    assert.equal(subject.length, raw.length, 'as many frames as the clip');
    assert.ok(raw.length >= 8 * FPS, `the clip spans the event (${raw.length} frames)`);

    // Where the event's person really is in the clip: on the frame most like the event's snapshot
    // (the very picture its box was measured on), whatever the live camera's and the recorder's clocks say.
    const snapshot = await sharp(path.join(dataDir, event.snapshotPath!)).resize(SMALL.width, SMALL.height, { fit: 'fill' }).greyscale().raw().toBuffer();
    const small = greySmall(files.recorded);
    const diffs = small.map((f) => meanDiff(f, snapshot, { x: 0, y: 0, w: SMALL.width, h: SMALL.height }, SMALL.width, SMALL.height));
    const k = diffs.indexOf(Math.min(...diffs));
    assert.ok(diffs[k]! < 8, `the snapshot is a frame of the clip (${diffs[k]!.toFixed(1)} grey levels apart)`);
    const entries = json<{ entries: { actor: string; target: string; details: Record<string, unknown> }[] }>(await call(server, 'GET', '/api/audit?action=subject_export', auth)).entries;
    assert.deepEqual(
      entries.map((e) => [e.actor, e.target, e.details.event, e.details.camera, e.details.reason, e.details.from, e.details.bytes, e.details.frames]),
      [['owner', view.id, event.id, 'plaza', REASON, event.startTime - 5000, exported.body.length, raw.length]],
    );
    // The entry says whom the export left visible: the event's person, on the frame of its snapshot.
    const left = entries[0]!.details.kept as { frame: number; box: number[]; iou: number; clockOffset: number | null };
    process.stderr.write(`kept ${JSON.stringify(left)}\n`);
    assert.ok(Math.abs(left.frame - (k + 1)) <= 2, `matched on frame ${left.frame}, the snapshot's is ${k + 1}`);
    const [x, y, w, h] = event.data.box!;
    const box = { x, y, w, h };
    const [kx, ky, kw, kh] = left.box as [number, number, number, number];
    assert.ok(iou({ x: kx, y: ky, w: kw, h: kh }, box) >= 0.5, 'the kept track is where the event saw its person');
    assert.equal(typeof left.clockOffset, 'number', 'the snapshot placed the event in the clip');

    // Everyone in the clip, frame by frame, as the same analysis with the same model finds them.
    const analysed = path.join(dir, 'analysed');
    const run = await runCli(['analyze', files.recorded, '--config', path.join(DEMO_DIR, 'demo.yml'), '--data-dir', dataDir, '--out', analysed, '--quiet'], 120_000);
    assert.equal(run.code, 0, run.stderr);
    const tracks = readTracks(path.join(analysed, 'tracks.txt'));
    const here = [...(tracks.get(k + 1) ?? new Map<number, Box>()).entries()].sort(([, a], [, b]) => iou(b, box) - iou(a, box));
    const [subjectId, subjectBox] = here[0] ?? [];
    assert.ok(subjectId !== undefined && iou(subjectBox!, box) >= 0.5, 'the analysis finds the event\'s person on the frame of its snapshot');
    // On the frames where no other tracked person comes near them, the person's head is as recorded
    // in most (a weak detection of the background or another person's padded head region may still
    // cover it: hiding others comes first); everyone else's head is pixelated throughout.
    let apart = 0;
    let kept = 0;
    let others = 0;
    const shown: string[] = [];
    for (const [f, people] of tracks) {
      const s = people.get(subjectId);
      for (const [id, o] of people) {
        if (id === subjectId || o.w < 15) continue;
        others++;
        if (meanDiff(raw[f - 1]!, subject[f - 1]!, faceOf(o)) <= 20) shown.push(`${id}@${f}`);
      }
      if (s === undefined || ![...people].every(([id, o]) => id === subjectId || !overlaps(o, { x: s.x - 40, y: s.y - 40, w: s.w + 80, h: s.h + 40 }))) continue;
      apart++;
      if (meanDiff(raw[f - 1]!, subject[f - 1]!, faceOf(s)) < 10) kept++;
    }
    process.stderr.write(`event ${event.type} at frame ${k + 1}/${raw.length}, export ${seconds.toFixed(1)} s: the person apart on ${apart} frames, as recorded on ${kept}; ${shown.length} of ${others} other heads not pixelated\n`);
    assert.ok(apart >= 5, `the person is apart from the others on ${apart} frames`);
    assert.ok(kept >= Math.max(3, 0.4 * apart), `the person's head is as recorded on ${kept} of those ${apart} frames`);
    assert.ok(shown.length <= 0.02 * others, `other people's heads are pixelated: ${others - shown.length} of ${others} (not: ${shown.join(', ')})`);
  } finally {
    await server.close();
    await cam.stop();
  }
});
