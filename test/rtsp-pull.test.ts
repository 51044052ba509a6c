// The RTSP pull client and the relay's local publisher: the SDP and URL rules as tables, then a
// real looping camera played by RtspPull and republished on a second relay, where ffprobe reads
// it; and the failures a camera can give, each in words camera-words.ts knows.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cameraProblemInWords } from '../src/ingest/camera-words.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { aggregateUrl, controlUrl, mediaControls, RtspPull } from '../src/rtsp/rtsp-pull.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { relaySdp } from '../src/rtsp/sdp.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { waitFor } from './fixtures/wait.ts';

const run = promisify(execFile);

const CAMERA_SDP = [
  'v=0', 'o=- 1 1 IN IP4 10.0.0.9', 's=cam', 'a=control:rtsp://10.0.0.9/live/',
  'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=control:rtsp://10.0.0.9/live/trackID=1',
  'm=audio 0 RTP/AVP 0', 'a=control:trackID=2', '',
].join('\r\n');

test('SDP and control URL rules', async (t) => {
  await t.test('mediaControls: one per media section, empty where none', () => {
    assert.deepEqual(mediaControls(CAMERA_SDP), ['rtsp://10.0.0.9/live/trackID=1', 'trackID=2']);
    assert.deepEqual(mediaControls('v=0\nm=video 0 RTP/AVP 96\n'), ['']);
    assert.deepEqual(mediaControls('v=0\ns=none\n'), []);
  });
  const cases: [string, string, string][] = [
    ['rtsp://cam/live', 'trackID=1', 'rtsp://cam/live/trackID=1'],
    ['rtsp://cam/live/', 'trackID=1', 'rtsp://cam/live/trackID=1'],
    ['rtsp://cam/live', 'rtsp://other/x/track1', 'rtsp://other/x/track1'],
    ['rtsp://cam/live', '*', 'rtsp://cam/live'],
    ['rtsp://cam/live', '', 'rtsp://cam/live'],
  ];
  for (const [base, control, want] of cases) {
    await t.test(`controlUrl(${base}, ${control || "''"})`, () => assert.equal(controlUrl(base, control), want));
  }
  await t.test('aggregateUrl: the session-level control, else the base', () => {
    assert.equal(aggregateUrl('rtsp://cam/live', CAMERA_SDP), 'rtsp://10.0.0.9/live/');
    assert.equal(aggregateUrl('rtsp://cam/live', 'v=0\r\nm=video 0 RTP/AVP 96\r\na=control:trackID=0\r\n'), 'rtsp://cam/live');
  });
  await t.test("relaySdp: the camera's controls become trackID=<i>, session control dropped", () => {
    const out = relaySdp(CAMERA_SDP);
    assert.deepEqual(out.split('\r\n').filter((l) => l.startsWith('a=control:')), ['a=control:trackID=0', 'a=control:trackID=1']);
    assert.ok(out.includes('a=rtpmap:96 H264/90000'));
    assert.ok(out.endsWith('\r\n'));
  });
});

test('a looping camera played by RtspPull and published locally on another relay reads as H.264', { timeout: 60_000 }, async (t) => {
  const cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'cam' });
  t.after(() => cam.stop());
  const relay = new RtspRelay();
  await relay.listen(0, '127.0.0.1');
  t.after(() => relay.close());
  let frames = 0;
  let ended: string | null | undefined;
  let publisher: ReturnType<RtspRelay['publishLocal']> = null;
  const pull = new RtspPull({
    url: cam.url,
    timeoutMs: 5000,
    onPlaying: (sdp) => {
      publisher = relay.publishLocal('hub/main', sdp);
    },
    onFrames: (batch) => {
      frames += batch.length;
      if (publisher !== null && typeof publisher !== 'string') publisher.send(batch);
    },
    onEnd: (reason) => (ended = reason),
  });
  t.after(() => pull.close());
  await waitFor(() => relay.isLive('hub/main'), 10_000, 'the local path to go live');
  assert.equal(relay.publishLocal('hub/main', relaySdp(CAMERA_SDP)), null, 'a path has one publisher');
  const { stdout } = await run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', relay.url('hub/main')], { timeout: 20_000 });
  assert.match(stdout.trim(), /^h264,\d+,\d+$/);
  assert.ok(frames > 10, `packets arrived: ${frames}`);
  assert.equal(cam.relay.stats().paths.find((p) => p.path === 'cam')?.readers, 1, 'the camera has one reader: the pull client');
  pull.close();
  assert.equal(ended, null, 'close() ends without a reason');
});

test('what a camera can refuse, in words', async (t) => {
  const relay = new RtspRelay({ credentials: { username: 'u', password: 'p' } });
  await relay.listen(0, '127.0.0.1');
  t.after(() => relay.close());
  const open = new RtspRelay();
  await open.listen(0, '127.0.0.1');
  t.after(() => open.close());
  const silent = createServer((s: Socket) => s.on('data', () => undefined));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => silent.close());
  const closedPort = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
  const silentAddress = silent.address();
  const silentPort = typeof silentAddress === 'object' && silentAddress !== null ? silentAddress.port : 0;
  const cases: [string, string, RegExp][] = [
    ['no credentials', relay.url('cam'), /refused the credentials \(401 Unauthorized\)/],
    ['no such path', open.url('nothing'), /has no stream at \/nothing \(404 Not Found\)/],
    ['nothing listens', `rtsp://127.0.0.1:${closedPort}/cam`, /connection refused/],
    ['never answers', `rtsp://127.0.0.1:${silentPort}/cam`, /no answer \(timed out\)/],
  ];
  for (const [name, url, words] of cases) {
    await t.test(name, async () => {
      const reason = await new Promise<string | null>((resolve) => {
        new RtspPull({ url, timeoutMs: 500, onPlaying: () => resolve('played'), onFrames: () => undefined, onEnd: resolve });
      });
      assert.ok(reason !== null && reason !== 'played', `it failed: ${String(reason)}`);
      assert.match(cameraProblemInWords(reason, url), words);
    });
  }
});
