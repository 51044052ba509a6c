// Every path that shows video to a person passes the server's one ShowVideo with the caller as the
// viewer, and sends what it returns: a gate that swaps each picture, file and live stream for a
// marked one proves it route by route, and the OpenAPI walk proves no video route was left out.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import WebSocket from 'ws';
import { segmentPath } from '../src/record/segment-paths.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import type { LiveStream } from '../src/media/live-stream.ts';
import type { Showable, ShowVideo, Viewer } from '../src/media/viewing.ts';
import { createHarness, T0, type Harness, type SessionCreds } from './fixtures/api-harness.ts';

/** A 24×8 picture: the harness's camera frames are 16×16, so a heat map drawn on it shows it went through the gate. */
const MARKED_JPEG = jpeg.encode({ width: 24, height: 8, data: Buffer.alloc(24 * 8 * 4, 200) }, 80).data;
const MARKED_INIT = Buffer.from('marked-init');

const calls: { viewer: Viewer; kind: Showable['kind']; cameraId: string; mime?: string }[] = [];
let h: Harness;
let viewer: SessionCreds;
let admin: SessionCreds;
let port = 0;

const markingGate: ShowVideo = async (who, item) => {
  calls.push({ viewer: who, kind: item.kind, cameraId: item.cameraId, ...(item.kind === 'file' && { mime: item.mime }) });
  if (item.kind === 'image') return { ...item, jpeg: MARKED_JPEG };
  if (item.kind === 'file') {
    const marked = path.join(h.dir, `marked-${calls.length}`);
    writeFileSync(marked, Buffer.concat([Buffer.from('marked:'), readFileSync(item.file)]));
    return { ...item, file: marked };
  }
  if (item.kind === 'playback') {
    item.stream.destroy();
    return { ...item, stream: Readable.from([Buffer.from('marked-playback')]), codec: 'avc1.4d401e' };
  }
  const stream: LiveStream = {
    open: (handlers) => {
      handlers.onInit('video/mp4; codecs="avc1.42e01e"', MARKED_INIT);
      return { close: () => Promise.resolve() };
    },
  };
  return { ...item, stream };
};

before(async () => {
  h = await createHarness({ showVideo: markingGate });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as AddressInfo).port;
  viewer = await h.login('viewer');
  admin = await h.login('admin');
  mkdirSync(path.join(h.dir, 'snapshots'), { recursive: true });
  writeFileSync(path.join(h.dir, 'snapshots', 'e1.jpg'), Buffer.from('stored snapshot'));
  await h.store.appendEvents([{ id: 'e1', cameraId: 'A', type: 'intrusion', rule: 'gate', trackId: 1, class: 'person', startTime: T0 - 55_000, endTime: T0 - 54_000, frame: 1, snapshotPath: 'snapshots/e1.jpg' }]);
});
after(() => h.close());

/** The video routes and how each is called; the last test checks this list against the API's own. */
const VIDEO_ROUTES: Record<string, { url: string; creds: () => SessionCreds; check: (body: Buffer) => void }> = {
  'GET /api/cameras/{id}/live.jpg': { url: '/api/cameras/A/live.jpg', creds: () => viewer, check: (b) => assert.deepEqual(b, MARKED_JPEG) },
  'GET /api/cameras/{id}/heatmap.png': {
    url: `/api/cameras/A/heatmap.png?from=${T0 - 60_000}&to=${T0}`,
    creds: () => viewer,
    check: (b) => {
      const png = PNG.sync.read(b);
      assert.deepEqual([png.width, png.height], [24, 8], 'the heat map is drawn on the picture the gate returned');
    },
  },
  'GET /api/events/{id}/snapshot.jpg': { url: '/api/events/e1/snapshot.jpg', creds: () => viewer, check: (b) => assert.equal(b.toString(), 'marked:stored snapshot') },
  'GET /api/events/{id}/clip.mp4': { url: '/api/events/e1/clip.mp4', creds: () => admin, check: (b) => assert.ok(b.subarray(0, 7).equals(Buffer.from('marked:'))) },
  'GET /api/cameras/{id}/recordings/{segmentId}': { url: '/api/cameras/A/recordings/1', creds: () => viewer, check: (b) => assert.ok(b.subarray(0, 7).equals(Buffer.from('marked:'))) },
  'GET /api/cameras/{id}/export.mp4': { url: `/api/cameras/A/export.mp4?from=${T0 - 70_000}&to=${T0 - 40_000}`, creds: () => admin, check: (b) => assert.ok(b.subarray(0, 7).equals(Buffer.from('marked:'))) },
};

test('each video route sends what ShowVideo returned for its caller', async (t) => {
  for (const [route, c] of Object.entries(VIDEO_ROUTES)) {
    await t.test(route, async () => {
      const before = calls.length;
      const res = await h.app.inject({ url: c.url, headers: h.headers(c.creds(), false) });
      assert.equal(res.statusCode, 200, res.body);
      c.check(res.rawPayload);
      const call = calls.at(-1);
      assert.equal(calls.length, before + 1, 'the gate was asked once');
      assert.equal(call?.cameraId, 'A');
      assert.equal(call?.viewer.actor, c.creds().user.name);
      assert.equal(call?.viewer.role, c.creds().user.role);
      assert.equal(call?.viewer.userId, c.creds().user.id);
    });
  }
});

/** The recordings timeline's video routes, over a real segment (a second harness with the server's recording service). */
const PLAYBACK_ROUTES: Record<string, { url: string; check: (body: Buffer) => void }> = {
  'GET /api/cameras/{id}/playback.mp4': { url: `/api/cameras/A/playback.mp4?from=${T0 - 60_000}&to=${T0 - 57_000}`, check: (b) => assert.equal(b.toString(), 'marked-playback') },
  'GET /api/cameras/{id}/preview.jpg': { url: `/api/cameras/A/preview.jpg?at=${T0 - 59_000}`, check: (b) => assert.ok(b.subarray(0, 7).equals(Buffer.from('marked:'))) },
};

test('the timeline\'s playback and previews send what ShowVideo returned for their caller', async (t) => {
  const r = await createHarness({ showVideo: markingGate, localRecordings: true });
  t.after(() => r.close());
  const rel = segmentPath('A', T0 - 60_000);
  mkdirSync(path.dirname(path.join(r.dir, rel)), { recursive: true });
  execFileSync('ffmpeg', ['-v', 'error', '-i', DEMO_CLIP, '-t', '4', '-map', '0:v:0', '-c', 'copy', '-f', 'mpegts', path.join(r.dir, rel)]);
  r.local!.index.add({ cameraId: 'A', path: rel, startTime: T0 - 60_000, endTime: T0 - 56_000, bytes: 1 });
  const who = await r.login('viewer');
  for (const [route, c] of Object.entries(PLAYBACK_ROUTES)) {
    await t.test(route, async () => {
      const before = calls.length;
      const res = await r.app.inject({ url: c.url, headers: r.headers(who, false) });
      assert.equal(res.statusCode, 200, res.body);
      c.check(res.rawPayload);
      assert.equal(calls.length, before + 1, 'the gate was asked once');
      assert.deepEqual([calls.at(-1)?.cameraId, calls.at(-1)?.viewer.actor], ['A', 'viewer']);
      if (route.includes('playback')) assert.equal(res.headers['x-sightline-codec'], 'avc1.4d401e', 'the codec of the stream the gate returned');
    });
  }
});

test('the live view sends the stream ShowVideo returned', async () => {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/cameras/A/live`, { headers: { ...h.headers(viewer, false), origin: `http://127.0.0.1:${port}` } });
  const binary = await new Promise<Buffer>((resolve, reject) => {
    socket.on('message', (data: Buffer, isBinary: boolean) => isBinary && resolve(data));
    socket.on('error', reject);
  });
  socket.close();
  assert.deepEqual(binary, MARKED_INIT);
  const call = calls.findLast((c) => c.kind === 'live');
  assert.equal(call?.viewer.actor, 'viewer');
});

test('every route that answers with a picture or video is one of those above', async () => {
  const res = await h.app.inject({ url: '/api/openapi.json', headers: h.headers(admin, false) });
  assert.equal(res.statusCode, 200);
  const doc = res.json<{ paths: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>> }>();
  const video: string[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      // Binary answers are described by their media type (see `binary` in src/api/schemas/common.ts).
      if (/^(image|video)\/\S+ bytes$/.test(op.responses?.['200']?.description ?? '')) video.push(`${method.toUpperCase()} ${p}`);
    }
  }
  // The one exception: a subject-access export leaves its subject visible by design, so it cannot
  // pass the viewer's redaction; it has its own check (video:unredacted and a written reason,
  // audited `subject_export`: test/api-subject-export.test.ts).
  assert.deepEqual(video.sort(), [...Object.keys(VIDEO_ROUTES), ...Object.keys(PLAYBACK_ROUTES), 'POST /api/events/{id}/subject-export.mp4'].sort());
});
