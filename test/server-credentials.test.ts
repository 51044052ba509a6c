/**
 * A camera behind RTSP Digest auth: the server connects with the stored credentials, analyses and
 * records; the password is sealed at rest and never appears in a log line, a camera view, health,
 * or the database file in clear.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera } from '../src/media/looping-camera.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { createHarness } from './fixtures/api-harness.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cred-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Zq7-unguessable:p@ss/word';
/** The per-start token of a credential proxy in a child's loopback URL. */
const PROXY_TOKEN = /(?:rtsp|http):\/\/127\.0\.0\.1:\d+\/([A-Za-z0-9_-]{24})/g;
/** Every form in which a child process could hold the password or user:password. */
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), 'viewer:', Buffer.from(`viewer:${PASSWORD}`).toString('base64')];

/** Parent pid by pid, from /proc. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // The process exited while we looked.
    }
  }
  return map;
}

/** The command line and environment of every descendant of this process, except the subtrees of `exclude`. */
function descendants(exclude: readonly (number | null)[]): { pid: number; cmdline: string; environ: string }[] {
  const map = parents();
  const skip = new Set(exclude.filter((p): p is number => p !== null));
  const isOurs = (pid: number): boolean => {
    for (let p = pid; p > 1; p = map.get(p) ?? 0) {
      if (skip.has(p)) return false;
      if (p === process.pid) return pid !== process.pid;
    }
    return false;
  };
  const out: { pid: number; cmdline: string; environ: string }[] = [];
  for (const pid of map.keys()) {
    if (!isOurs(pid)) continue;
    try {
      out.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '), environ: readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').join(' ') });
    } catch {
      // Exited meanwhile.
    }
  }
  return out;
}

function assertNoSecrets(procs: readonly { pid: number; cmdline: string; environ: string }[], what: string): void {
  for (const p of procs) {
    for (const secret of SECRETS) {
      assert.ok(!p.cmdline.includes(secret), `${what}: process ${p.pid} has the camera credentials on its command line: ${p.cmdline}`);
      assert.ok(!p.environ.includes(secret), `${what}: process ${p.pid} has the camera credentials in its environment`);
    }
  }
}

test('a camera with RTSP credentials works, and its password is never shown, logged or stored in clear', { timeout: 60_000 }, async () => {
  const relay = new RtspRelay({ credentials: { username: 'viewer', password: PASSWORD } });
  await relay.listen(0, '127.0.0.1');
  const cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'gate', relay, credentials: { username: 'viewer', password: PASSWORD } });
  const logs: string[] = [];
  const dataDir = path.join(dir, 'data');
  const config = serverConfigSchema.parse({
    server: { port: 0 },
    detect: { workers: 1 },
    recording: { segmentSeconds: 2 },
    cameras: [{ name: 'gate', url: cam.url, credentials: { username: 'viewer', password: PASSWORD }, fps: 2 }],
  });
  const server = await startServer({ config, dataDir, log: (level, m) => logs.push(`${level} ${m}`) });
  const tokens = new Set<string>();
  try {
    const [view] = await server.cameras.list();
    assert.ok(view);
    assert.equal(view.hasCredentials, true);
    await waitFor(async () => {
      const h = (await server.cameras.get(view.id))!.health;
      return h.state === 'connected' && h.lastFrameAt !== null && h.recording;
    }, 40_000, 'the camera to connect with its credentials and record');
    // While it decodes, records and serves a live MP4, no child process holds the credentials.
    const live = await server.cameras.liveStream(view.id);
    assert.ok(live);
    let initialised = false;
    const viewer = live.open({ onInit: () => (initialised = true), onMedia: () => undefined, onEnd: () => undefined });
    try {
      await waitFor(() => initialised, 20_000, 'the live MP4 to start');
      const procs = descendants([cam.publisherPid]);
      assert.ok(procs.filter((p) => /ffmpeg/.test(p.cmdline)).length >= 2, `decoder (which also writes the live MP4) and recorder run: ${procs.map((p) => p.cmdline).join('\n')}`);
      assertNoSecrets(procs, 'streaming, recording and live MP4');
      for (const p of procs) for (const m of p.cmdline.matchAll(PROXY_TOKEN)) tokens.add(m[1]!);
    } finally {
      await viewer.close();
    }
    assert.ok(tokens.size >= 1, 'the ffmpeg children read loopback URLs with tokens (the relay, the credential proxy)');
    // A wrong password is refused by the camera; its media hub (the one connection the decoder and the
    // recorder share) says so in health and the log, naming the camera, without the password and
    // without the loopback tokens of the proxy or the relay.
    const wrong = await server.cameras.add({ name: 'gate-wrong', url: cam.url, credentials: { username: 'viewer', password: `${PASSWORD}-wrong` }, fps: 2, record: { mode: 'continuous' } });
    await waitFor(async () => (await server.cameras.get(wrong.id))!.health.lastError !== null, 30_000, 'the wrong password to be refused');
    await waitFor(() => logs.some((l) => l.includes('camera gate-wrong:')), 30_000, "the hub's error for the wrong password");
    const lastError = (await server.cameras.get(wrong.id))!.health.lastError!;
    assert.ok(lastError.includes(new URL(cam.url).host), `the error names the camera: ${lastError}`);
    const views = JSON.stringify(await server.cameras.list());
    assert.ok(!views.includes(PASSWORD), 'no camera view holds the password');
    assert.ok(!views.includes('viewer:'), 'no URL with credentials in a view');
    await server.close();
    assert.ok(!logs.join('\n').includes(PASSWORD), `no log line holds the password:\n${logs.join('\n')}`);
    for (const token of tokens) assert.ok(!views.includes(token), 'no camera view holds a proxy token');
    const leaks = logs.filter((l) => new RegExp(PROXY_TOKEN.source).test(l));
    assert.deepEqual(leaks, [], 'no log line holds a loopback proxy URL and its token');
    for (const f of readdirSync(dataDir).filter((n) => n.startsWith('sightline.db'))) {
      assert.ok(!readFileSync(path.join(dataDir, f)).includes(Buffer.from(PASSWORD)), `${f} does not hold the password in clear`);
    }
  } finally {
    await server.close();
    await cam.stop();
    await relay.close();
  }
});

test("the camera test's ffprobe never holds the camera credentials", { timeout: 30_000 }, async (t) => {
  // A stand-in camera that, once ffprobe (directly or through a proxy) sends its first request, lets the
  // test read every child process and then hangs up.
  const seen: { pid: number; cmdline: string; environ: string }[][] = [];
  const camera = createServer((socket: Socket) => {
    socket.once('data', () => {
      seen.push(descendants([]));
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => camera.listen(0, '127.0.0.1', resolve));
  t.after(() => camera.close());
  const address = camera.address();
  assert.ok(address !== null && typeof address === 'object');
  const h = await createHarness();
  t.after(() => h.close());
  const admin = await h.login('admin');
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/cameras/test',
    headers: h.headers(admin),
    payload: { url: `rtsp://127.0.0.1:${address.port}/gate`, credentials: { username: 'viewer', password: PASSWORD } },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json<{ ok: boolean }>().ok, false);
  assert.ok(!res.body.includes(PASSWORD));
  assert.ok(seen.length >= 1, 'the stream was contacted');
  const probes = seen.flat().filter((p) => /ffprobe/.test(p.cmdline));
  assert.ok(probes.length >= 1, 'ffprobe was running when the camera was contacted');
  assertNoSecrets(seen.flat(), 'camera test');
});
