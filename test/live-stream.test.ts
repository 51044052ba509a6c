/**
 * Live video over a real listening socket (127.0.0.1, port 0) with a real ffmpeg on the demo clip:
 * an init message with an avc1 MIME type, then the fMP4 init segment and fragments; failed
 * authentication or a foreign Origin close with 1008; too many viewers close with 1013; a failing
 * stream closes with 1011; ffmpeg ends when the viewer leaves. Also the pure MP4 helpers.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { MAX_LIVE_VIEWERS, MAX_LIVE_VIEWERS_PER_CALLER } from '../src/api/routes/live-stream.ts';
import { avcCodecString, Mp4BoxSplitter } from '../src/media/mp4-boxes.ts';
import { fileMp4Args } from './fixtures/file-live-stream.ts';
import { createHarness, type Harness, type SessionCreds } from './fixtures/api-harness.ts';
import { processExists } from './fixtures/process.ts';

let h: Harness;
let port = 0;
let origin = '';
let admin: SessionCreds;

before(async () => {
  h = await createHarness({ wsRecheckMs: 25 });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  admin = await h.login('admin');
});
after(async () => {
  for (const child of h.cameras.liveProcesses) child.kill('SIGKILL');
  await h.close();
});

interface Viewer {
  readonly socket: WebSocket;
  readonly texts: string[];
  readonly binaries: Buffer[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the HTTP status when the upgrade is refused. */
  readonly refused: Promise<number>;
}

function watch(camera: string, headers: Record<string, string>): Viewer {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/api/cameras/${camera}/live`, { headers });
  const texts: string[] = [];
  const binaries: Buffer[] = [];
  socket.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? binaries.push(data) : texts.push(data.toString('utf8'))));
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') })));
  const refused = new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
  return { socket, texts, binaries, closed, refused };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const boxType = (b: Buffer): string => b.toString('latin1', 4, 8);

describe('GET /api/cameras/:id/live', () => {
  test('streams an init message, the fMP4 init segment and fragments; ffmpeg ends with the socket; the view is audited', async (t) => {
    const before = h.cameras.liveProcesses.length;
    const v = watch('A', { ...h.headers(admin, false), origin });
    t.after(() => v.socket.terminate());
    await until(() => v.binaries.length >= 3, 'three binary messages');
    const init = JSON.parse(v.texts[0]!) as { type: string; mime: string };
    assert.equal(init.type, 'init');
    assert.match(init.mime, /^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
    assert.equal(boxType(v.binaries[0]!), 'ftyp');
    assert.equal(avcCodecString(v.binaries[0]!), init.mime.slice(init.mime.indexOf('avc1'), -1));
    for (const fragment of v.binaries.slice(1)) assert.equal(boxType(fragment), 'moof');
    assert.equal(h.cameras.liveProcesses.length, before + 1);
    const pid = h.cameras.liveProcesses.at(-1)!.pid!;
    assert.ok(processExists(pid));
    v.socket.close();
    await until(() => !processExists(pid), 'ffmpeg to end');
    assert.ok(h.audit.list({ actor: 'admin' }).some((e) => e.action === 'live_view' && e.target === 'A'));
  });

  const rejected: readonly { name: string; headers: () => Record<string, string> }[] = [
    { name: 'no credentials', headers: () => ({ origin }) },
    { name: 'a bad session cookie', headers: () => ({ cookie: 'sightline_session=nope', origin }) },
    { name: 'another origin', headers: () => ({ ...h.headers(admin, false), origin: 'https://evil.example' }) },
  ];
  for (const c of rejected) {
    test(`closes with 1008 for ${c.name}, without starting ffmpeg`, async () => {
      const before = h.cameras.liveProcesses.length;
      const v = watch('A', c.headers());
      assert.equal((await v.closed).code, 1008);
      assert.equal(h.cameras.liveProcesses.length, before);
    });
  }

  test('refuses a camera the viewer may not see', async () => {
    const viewer = await h.login('viewer');
    const v = watch('B', { ...h.headers(viewer, false), origin });
    assert.equal(await v.refused, 404);
  });

  test(`closes the viewer after ${MAX_LIVE_VIEWERS} of one camera with 1013`, async (t) => {
    const first = h.cameras.liveProcesses.length;
    // One token per viewer: a single caller may hold only MAX_LIVE_VIEWERS_PER_CALLER of them.
    const tokens = await Promise.all(Array.from({ length: MAX_LIVE_VIEWERS }, (_, i) => h.token(`live-full-${i}`, ['cameras:read'])));
    const viewers = tokens.map((token) => watch('C', { authorization: `Bearer ${token}` }));
    t.after(() => {
      for (const v of viewers) v.socket.terminate();
    });
    await until(() => h.cameras.liveProcesses.length === first + MAX_LIVE_VIEWERS, 'every viewer to start');
    const extra = watch('C', { ...h.headers(admin, false), origin });
    assert.equal((await extra.closed).code, 1013);
    for (const v of viewers) v.socket.close();
    const pids = h.cameras.liveProcesses.slice(first).map((c) => c.pid!);
    await until(() => pids.every((pid) => !processExists(pid)), 'every ffmpeg to end');
  });

  test(`one caller gets at most ${MAX_LIVE_VIEWERS_PER_CALLER} live viewers of a camera, then 1013`, async (t) => {
    const viewers = Array.from({ length: MAX_LIVE_VIEWERS_PER_CALLER }, () => watch('B', { ...h.headers(admin, false), origin }));
    t.after(() => {
      for (const v of viewers) v.socket.terminate();
    });
    await until(() => viewers.every((v) => v.texts.length > 0), 'every viewer to get its init message');
    const extra = watch('B', { ...h.headers(admin, false), origin });
    const closed = await extra.closed;
    assert.deepEqual([closed.code, closed.reason], [1013, `you already watch this camera live ${MAX_LIVE_VIEWERS_PER_CALLER} times; close one first`]);
    // Another caller still gets in, and a slot freed by the same caller is taken again.
    const operatorToken = await h.token('live-other', ['cameras:read']);
    const other = watch('B', { authorization: `Bearer ${operatorToken}` });
    await until(() => other.texts.length > 0, 'the other caller to get its init message');
    other.socket.close();
    viewers[0]!.socket.close();
    await viewers[0]!.closed;
    const again = watch('B', { ...h.headers(admin, false), origin });
    await until(() => again.texts.length > 0, 'the freed slot to be taken');
    again.socket.close();
  });

  test('a token viewer is closed with 1008 once the token is revoked', async () => {
    const token = await h.token('live-revoked', ['cameras:read']);
    const v = watch('A', { authorization: `Bearer ${token}` });
    await until(() => v.binaries.length > 1, 'a media fragment');
    const id = h.db.prepare<[], { id: string }>("SELECT id FROM api_tokens WHERE name = 'live-revoked'").get()!.id;
    const res = await h.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: h.headers(admin) });
    assert.equal(res.statusCode, 200);
    const closed = await v.closed;
    assert.deepEqual([closed.code, closed.reason], [1008, 'access has ended: the session or API token is no longer valid']);
  });

  test('a stream that fails sends an error and closes with 1011', async (t) => {
    const source = h.cameras.liveSource;
    h.cameras.liveSource = '/nonexistent/clip.mp4';
    t.after(() => {
      h.cameras.liveSource = source;
    });
    const v = watch('A', { ...h.headers(admin, false), origin });
    const closed = await v.closed;
    assert.equal(closed.code, 1011);
    const error = JSON.parse(v.texts.at(-1)!) as { type: string; message: string };
    assert.equal(error.type, 'error');
    assert.match(error.message, /live stream ended/);
  });

  test('a session viewer is closed with 1008 once the session is idle past the timeout', async (t) => {
    const viewer = await h.login('viewer');
    const v = watch('A', { ...h.headers(viewer, false), origin });
    await until(() => v.texts.length > 0, 'the init message');
    const idle = 30 * 60_000;
    h.clock.t += idle;
    t.after(() => {
      h.clock.t -= idle;
    });
    assert.equal((await v.closed).code, 1008);
  });
});

describe('live MP4 helpers', () => {
  test('fileMp4Args copies the video without re-encoding; files loop at their own rate', async (t) => {
    const cases = [
      { url: '/clips/a.mp4', has: ['-re', '-stream_loop'], lacks: ['-rtsp_transport'] },
      { url: 'rtsp://cam/1', has: ['-rtsp_transport'], lacks: ['-re'] },
    ];
    for (const c of cases) {
      await t.test(c.url, () => {
        const args = fileMp4Args(c.url);
        assert.deepEqual(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2), ['-c', 'copy']);
        assert.ok(args.includes('empty_moov+default_base_moof+frag_keyframe'));
        for (const a of c.has) assert.ok(args.includes(a), `${c.url} has ${a}`);
        for (const a of c.lacks) assert.ok(!args.includes(a), `${c.url} lacks ${a}`);
      });
    }
  });

  test('Mp4BoxSplitter returns whole boxes across chunk borders', () => {
    const box = (type: string, payload: number): Buffer => {
      const b = Buffer.alloc(8 + payload, 7);
      b.writeUInt32BE(8 + payload, 0);
      b.write(type, 4, 'latin1');
      return b;
    };
    const stream = Buffer.concat([box('ftyp', 4), box('moov', 20), box('moof', 3), box('mdat', 100)]);
    for (const cut of [1, 5, 9, 13, 40, stream.length]) {
      const s = new Mp4BoxSplitter();
      const got = [...s.push(stream.subarray(0, cut)), ...s.push(stream.subarray(cut))].map((b) => `${b.type}:${b.data.length}`);
      assert.deepEqual(got, ['ftyp:12', 'moov:28', 'moof:11', 'mdat:108'], `cut at ${cut}`);
    }
    assert.throws(() => new Mp4BoxSplitter().push(Buffer.from([0, 0, 0, 3, 0x61, 0x62, 0x63, 0x64])), /malformed/);
  });

  test('avcCodecString reads profile, compatibility and level from avcC', () => {
    const avcc = Buffer.from([0, 0, 0, 15, ...Buffer.from('avcC'), 1, 0x64, 0x00, 0x1f, 0xff, 0, 0, 0]);
    assert.equal(avcCodecString(Buffer.concat([Buffer.alloc(10), avcc])), 'avc1.64001f');
    assert.equal(avcCodecString(Buffer.from('no codec here')), null);
  });
});
