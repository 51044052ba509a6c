/**
 * Camera URLs (issue 9, items 2, 6 and 8, and the camera-test SSRF): URLs are read the way ffmpeg reads
 * them and refused with credentials anywhere in them; viewers never see a camera's host or its errors;
 * a host change needs the credentials again; the camera test validates before contacting anything,
 * audits every test, answers with generic errors, and honours `server.cameraNetworks`.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { SightlineError } from '../src/core/errors.ts';
import { cameraViewFor } from '../src/api/routes/cameras.ts';
import { parseCameraInput } from '../src/live/camera-manager.ts';
import { CameraNetworks, cameraUrlProblem, checkCameraNetwork, credentialsWouldMove, splitLikeFfmpeg } from '../src/live/camera-url.ts';
import type { CameraView } from '../src/live/camera-service.ts';
import { createHarness, type Harness, type SessionCreds } from './fixtures/api-harness.ts';
import { closedPort } from './fixtures/ports.ts';

const SECRET = 'Zq-Secret-4471';

/** URLs the API, the configuration file and the camera test all refuse, with a word the message must hold. */
const REFUSED: readonly (readonly [string, RegExp])[] = [
  [`rtsp://admin:${SECRET}@10.0.0.5/stream`, /credentials/],
  [`rtsp://admin@10.0.0.5/stream`, /credentials/],
  [`http://127.0.0.1\\admin:${SECRET}@127.0.0.1/x`, /backslash.*credentials/],
  [`rtsp://10.0.0.5\\@evil/x`, /backslash/],
  [`rtsp://10.0.0.5/x%5Cy`, /backslash/],
  [`rtsp://10.0.0.5/stream?user=admin&password=${SECRET}`, /credential parameter.*credentials/],
  [`rtsp://10.0.0.5/stream?USER=admin`, /credential parameter/],
  [`rtsp://10.0.0.5/stream?channel=1&Passwd=${SECRET}`, /credential parameter/],
  [`rtsp://10.0.0.5/stream?pwd=${SECRET}`, /credential parameter/],
  [`rtsp://10.0.0.5/stream?pass=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.cgi?token=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.cgi?auth=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.cgi?api_key=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.cgi?key=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.cgi?username=admin`, /credential parameter/],
  [`http://10.0.0.5/video.cgi?%70assword=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.cgi;session=${SECRET}`, /credential parameter/],
  [`http://10.0.0.5/video.mjpg#password=${SECRET}`, /credential parameter/],
  [`rtsp://10.0.0.5#a@evil.example/x`, /"@".*credentials/],
  [`rtsp://10.0.0.5/x?a=b@evil.example`, /"@"/],
  [`rtsp://10.0.0.5/a b`, /white space/],
  [`rtsp://10.0.0.5/a\tb`, /white space/],
  [`rtsp://10.0.\n0.5/x`, /white space/],
  [`http://0x7f.1/x`, /ambiguous/],
  [`rtsp:///x`, /no host|not a valid URL/],
  [`rtsp://10.0.0.5:99999/x`, /not a valid URL/],
];

/** URLs every path accepts. */
const ACCEPTED: readonly string[] = [
  'rtsp://10.0.0.5/stream',
  'rtsp://10.0.0.5:8554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
  'rtsp://cam.local/cam/realmonitor?channel=1&subtype=0',
  'rtsps://[fd00::5]:322/live',
  'http://10.0.0.5/video.mjpg?resolution=640x480&keyframe=1',
  'https://cam.example.test/hls/index.m3u8',
];

test('camera URL rules: refused and accepted URLs, read as ffmpeg reads them', () => {
  for (const [url, why] of REFUSED) {
    const problem = cameraUrlProblem(url);
    assert.ok(problem !== null, `${JSON.stringify(url)} is accepted`);
    assert.match(problem, why, JSON.stringify(url));
    assert.ok(!problem.includes(SECRET), `the message quotes the secret: ${problem}`);
  }
  for (const url of ACCEPTED) assert.equal(cameraUrlProblem(url), null, url);
});

test('splitLikeFfmpeg: the authority runs to the first / ? or #, user-info to its last @ (ffmpeg 5.1 av_url_split)', () => {
  const cases: readonly (readonly [string, { userInfo: string | null; host: string; port: number } | null])[] = [
    ['http://127.0.0.1\\admin:pw@127.0.0.1/x', { userInfo: '127.0.0.1\\admin:pw', host: '127.0.0.1', port: 80 }],
    ['rtsp://a:b@c@host:8554/x', { userInfo: 'a:b@c', host: 'host', port: 8554 }],
    ['rtsp://host/x?a=b@c', { userInfo: null, host: 'host', port: 554 }],
    ['rtsp://host#a@b', { userInfo: null, host: 'host', port: 554 }],
    ['rtsps://[FD00::1]:322/x', { userInfo: null, host: 'fd00::1', port: 322 }],
    ['https://Cam.Example', { userInfo: null, host: 'cam.example', port: 443 }],
    ['/videos/a.mp4', null],
    ['rtsp://host:http/x', null],
  ];
  for (const [url, want] of cases) {
    const got = splitLikeFfmpeg(url);
    assert.deepEqual(got === null ? null : { userInfo: got.userInfo, host: got.host, port: got.port }, want, url);
  }
});

test('configuration-file cameras follow the same URL rules', () => {
  for (const [url, why] of REFUSED) {
    assert.throws(() => parseCameraInput({ name: 'yaml-cam', url }, 'config'), (e: unknown) => e instanceof SightlineError && e.code === 'CAMERA_INVALID' && why.test(e.message), JSON.stringify(url));
    assert.throws(() => parseCameraInput({ name: 'yaml-cam', url: 'rtsp://10.0.0.5/main', subUrl: url }, 'config'), /subUrl/, JSON.stringify(url));
  }
  for (const url of ACCEPTED) assert.equal(parseCameraInput({ name: 'yaml-cam', url }, 'config').url, url);
});

test('server.cameraNetworks: CIDRs, single addresses and IPv4-mapped addresses; hosts resolved before the check', async () => {
  const nets = new CameraNetworks(['192.168.1.0/24', '127.0.0.1', 'fd00::/8']);
  const table: readonly (readonly [string, boolean])[] = [
    ['192.168.1.77', true],
    ['192.168.2.1', false],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['::ffff:192.168.1.9', true],
    ['fd12::1', true],
    ['fe80::1', false],
    ['not-an-address', false],
  ];
  for (const [address, allowed] of table) assert.equal(nets.allows(address), allowed, address);
  const resolve = async (host: string): Promise<readonly string[]> => ({ 'cam.lan': ['192.168.1.8'], 'split.lan': ['192.168.1.8', '10.1.1.1'] })[host] ?? [];
  await checkCameraNetwork('rtsp://cam.lan/x', nets, 'url', resolve);
  await checkCameraNetwork('/videos/a.mp4', nets, 'url', resolve);
  await checkCameraNetwork('rtsp://10.9.9.9/x', null, 'url', resolve);
  for (const url of ['rtsp://split.lan/x', 'rtsp://nowhere.lan/x', 'rtsp://10.9.9.9/x', 'rtsps://[fe80::1]/x']) {
    await assert.rejects(checkCameraNetwork(url, nets, 'url', resolve), (e: unknown) => e instanceof SightlineError && e.code === 'CAMERA_NETWORK_REFUSED' && /cameraNetworks/.test(e.message), url);
  }
  assert.equal(serverConfigSchema.safeParse({ server: { cameraNetworks: ['10.0.0.0/33'] } }).success, false);
  assert.equal(serverConfigSchema.safeParse({ server: { cameraNetworks: ['10.0.0.0/8', 'fd00::/8', '127.0.0.1'] } }).success, true);
});

test('credentialsWouldMove: scheme, host or port of the main or sub-stream', () => {
  const before = { url: 'rtsp://10.0.0.5/main', subUrl: null };
  const table: readonly (readonly [{ url: string; subUrl?: string | null }, boolean])[] = [
    [{ url: 'rtsp://10.0.0.5/other?channel=2' }, false],
    [{ url: 'rtsp://10.0.0.5:554/main' }, false],
    [{ url: 'rtsp://10.0.0.5/main', subUrl: 'rtsp://10.0.0.5/sub' }, false],
    [{ url: 'rtsp://10.0.0.6/main' }, true],
    [{ url: 'rtsp://10.0.0.5:8554/main' }, true],
    [{ url: 'rtsps://10.0.0.5/main' }, true],
    [{ url: 'http://10.0.0.5/main' }, true],
    [{ url: 'rtsp://10.0.0.5/main', subUrl: 'rtsp://10.6.6.6/sub' }, true],
  ];
  for (const [after, moves] of table) assert.equal(credentialsWouldMove(before, after), moves, JSON.stringify(after));
});

async function harness(t: TestContext, cameraNetworks?: readonly string[]): Promise<{ h: Harness; admin: SessionCreds; viewer: SessionCreds }> {
  const h = await createHarness(cameraNetworks === undefined ? {} : { cameraNetworks });
  t.after(() => h.close());
  return { h, admin: await h.login('admin'), viewer: await h.login('viewer') };
}

/** A local TCP listener that counts the connections made to it and closes them. */
async function countingListener(t: TestContext): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server: Server = createServer((socket) => {
    hits += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, hits: () => hits };
}

test('POST /api/cameras, PATCH and POST /api/cameras/test refuse every credential form, pointing to `credentials`', async (t) => {
  const { h, admin } = await harness(t);
  for (const [url] of REFUSED) {
    for (const [method, path, payload] of [
      ['POST', '/api/cameras', { name: 'refused', url }],
      ['POST', '/api/cameras', { name: 'refused', url: 'rtsp://10.0.0.5/main', subUrl: url }],
      ['PATCH', '/api/cameras/A', { url }],
      ['PATCH', '/api/cameras/A', { subUrl: url }],
      ['POST', '/api/cameras/test', { url }],
    ] as const) {
      const res = await h.app.inject({ method, url: path, headers: h.headers(admin), payload });
      assert.ok(res.statusCode === 400, `${method} ${path} ${JSON.stringify(payload)}: ${res.statusCode} ${res.body}`);
      assert.ok(!res.body.includes(SECRET), `the answer quotes the secret: ${res.body}`);
    }
  }
  const res = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'refused', url: `rtsp://10.0.0.5/s?user=a&password=${SECRET}` } });
  assert.deepEqual(res.json<{ error: { code: string } }>().error.code, 'CAMERA_INVALID');
  assert.match(res.json<{ error: { message: string } }>().error.message, /give them in `credentials` instead/);
  for (const [i, url] of ACCEPTED.entries()) {
    const ok = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: `ok-${i}`, url } });
    assert.equal(ok.statusCode, 201, `${url}: ${ok.body}`);
  }
});

test('GET /api/cameras and /api/cameras/:id: viewers see neither URL nor error details; admins see them redacted', async (t) => {
  const { h, admin, viewer } = await harness(t);
  const list = await h.app.inject({ url: '/api/cameras', headers: h.headers(viewer) });
  assert.equal(list.statusCode, 200);
  const cams = list.json<{ cameras: Record<string, unknown>[] }>().cameras;
  assert.deepEqual(cams.map((c) => c['id']), ['A']);
  for (const c of cams) assert.ok(!('url' in c) && !('subUrl' in c), `a viewer sees ${JSON.stringify(c)}`);
  const one = await h.app.inject({ url: '/api/cameras/A', headers: h.headers(viewer) });
  assert.equal(one.statusCode, 200);
  assert.ok(!one.body.includes('10.0.0.1'), `a viewer sees the host: ${one.body}`);
  const asAdmin = await h.app.inject({ url: '/api/cameras/A', headers: h.headers(admin) });
  assert.equal(asAdmin.json<{ url: string }>().url, 'rtsp://10.0.0.1/A');
  assert.equal((await h.app.inject({ url: '/api/cameras', headers: h.headers(admin) })).json<{ cameras: { url: string }[] }>().cameras.length, 3);

  // Legacy rows from before these rules, and errors that quote a URL, are redacted for admins and hidden from others.
  const view = {
    ...(await h.cameras.get('A'))!,
    url: `rtsp://u:${SECRET}@10.0.0.1/A`,
    subUrl: `rtsp://10.0.0.1/B?password=${SECRET}`,
  } satisfies CameraView;
  const failing: CameraView = { ...view, health: { ...view.health, lastError: `cannot open rtsp://u:${SECRET}@10.0.0.1/A: 401 Unauthorized` } };
  const forAdmin = cameraViewFor(failing, true);
  assert.ok(!JSON.stringify(forAdmin).includes(SECRET), JSON.stringify(forAdmin));
  assert.match(forAdmin.health.lastError ?? '', /401 Unauthorized/);
  assert.match(forAdmin.url ?? '', /10\.0\.0\.1/);
  const forViewer = cameraViewFor(failing, false);
  assert.ok(!JSON.stringify(forViewer).includes(SECRET) && !JSON.stringify(forViewer).includes('10.0.0.1'), JSON.stringify(forViewer));
  assert.match(forViewer.health.lastError ?? '', /admins/);
});

test('PATCH that moves a camera with credentials to another host needs them again, or credentials: null', async (t) => {
  const { h, admin } = await harness(t);
  const created = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: { name: 'gate', url: 'rtsp://10.0.0.7/main', credentials: { username: 'cam', password: SECRET } } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json<{ id: string }>().id;
  const patch = async (payload: Record<string, unknown>): Promise<{ status: number; body: { hasCredentials?: boolean; error?: { code: string; message: string } } }> => {
    const res = await h.app.inject({ method: 'PATCH', url: `/api/cameras/${id}`, headers: h.headers(admin), payload });
    return { status: res.statusCode, body: res.json() };
  };
  const cases: readonly (readonly [Record<string, unknown>, number, string | boolean])[] = [
    [{ url: 'rtsp://10.0.0.66/main' }, 409, 'CAMERA_CREDENTIALS_REQUIRED'],
    [{ url: 'rtsp://10.0.0.7:8554/main' }, 409, 'CAMERA_CREDENTIALS_REQUIRED'],
    [{ url: 'rtsps://10.0.0.7/main' }, 409, 'CAMERA_CREDENTIALS_REQUIRED'],
    [{ subUrl: 'rtsp://10.0.0.66/sub' }, 409, 'CAMERA_CREDENTIALS_REQUIRED'],
    [{ url: 'rtsp://10.0.0.7/other', subUrl: 'rtsp://10.0.0.7/sub' }, 200, true],
    [{ url: 'rtsp://10.0.0.8/main', subUrl: 'rtsp://10.0.0.8/sub', credentials: { username: 'cam2', password: `${SECRET}-2` } }, 200, true],
    [{ url: 'rtsp://10.0.0.9/main', subUrl: 'rtsp://10.0.0.9/sub', credentials: null }, 200, false],
    [{ url: 'rtsp://10.0.0.10/main', subUrl: 'rtsp://10.0.0.10/sub' }, 200, false],
  ];
  for (const [payload, status, want] of cases) {
    const res = await patch(payload);
    assert.equal(res.status, status, `${JSON.stringify(payload)}: ${JSON.stringify(res.body)}`);
    if (typeof want === 'string') {
      assert.equal(res.body.error?.code, want);
      assert.match(res.body.error?.message ?? '', /credentials/);
    } else assert.equal(res.body.hasCredentials, want, JSON.stringify(payload));
  }
});

test('camera_update audit entries hold before and after values, never credentials', async (t) => {
  const { h, admin } = await harness(t);
  const res = await h.app.inject({ method: 'PATCH', url: '/api/cameras/A', headers: h.headers(admin), payload: { name: 'cam-A2', fps: 2, url: 'rtsp://10.0.0.1/A2', credentials: { username: 'cam', password: SECRET } } });
  assert.equal(res.statusCode, 200, res.body);
  const [entry] = h.audit.list({ action: 'camera_update' });
  assert.ok(entry !== undefined);
  assert.deepEqual(entry.details, {
    fields: ['credentials', 'fps', 'name', 'url'],
    changes: { fps: { before: 5, after: 2 }, name: { before: 'cam-A', after: 'cam-A2' }, url: { before: 'rtsp://10.0.0.1/A', after: 'rtsp://10.0.0.1/A2' } },
    credentials: 'changed',
  });
  assert.ok(!JSON.stringify(h.audit.list({})).includes(SECRET));
});

test('POST /api/cameras/test: validates before contacting anything and audits refused tests with the reason', async (t) => {
  const { h, admin } = await harness(t);
  const target = await countingListener(t);
  const base = `rtsp://127.0.0.1:${target.port}/`;
  const refused: readonly (readonly [string, Record<string, unknown>, string])[] = [
    ['over the length limit', { url: base + 'a'.repeat(2100) }, 'REQUEST_INVALID'],
    ['just under the limit of the schema but with a password', { url: `${base}${'a'.repeat(1900)}?password=${SECRET}`, credentials: { username: 'u', password: SECRET } }, 'CAMERA_INVALID'],
    ['user-info', { url: `rtsp://u:${SECRET}@127.0.0.1:${target.port}/x` }, 'CAMERA_INVALID'],
    ['backslash', { url: `http://127.0.0.1:${target.port}\\u:${SECRET}@127.0.0.1:${target.port}/x` }, 'CAMERA_INVALID'],
    ['unknown field', { url: base, zz: 1 }, 'REQUEST_INVALID'],
    ['file', { url: '/etc/passwd' }, 'CAMERA_INVALID'],
  ];
  for (const [name, payload, code] of refused) {
    await t.test(name, async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/cameras/test', headers: h.headers(admin), payload });
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assert.equal(res.json<{ error: { code: string } }>().error.code, code, name);
      assert.ok(!res.body.includes(SECRET), `${name}: ${res.body}`);
    });
  }
  assert.equal(target.hits(), 0, 'a refused test contacted the target');
  const entries = h.audit.list({ action: 'camera_test' });
  assert.equal(entries.length, refused.length, 'every refused test is audited');
  for (const e of entries) {
    assert.equal(e.details['ok'], false);
    assert.ok(typeof e.details['refused'] === 'string' && typeof e.details['reason'] === 'string', JSON.stringify(e.details));
  }
  assert.ok(!JSON.stringify(entries).includes(SECRET), 'the audit log holds the password');
});

test('POST /api/cameras/test: generic errors, never the text a server answered', async (t) => {
  const { h, admin } = await harness(t);
  // A local server that answers with text an attacker would like to read through the test.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.0 500 internal-secret-banner-8812\r\nContent-Type: text/plain\r\n\r\ninternal-secret-banner-8812');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  const closed = await closedPort();
  const generic = new Set(['connection refused', 'timed out', 'not a video stream', 'authentication failed', 'host not found']);
  for (const url of [`http://127.0.0.1:${address.port}/x`, `rtsp://127.0.0.1:${address.port}/x`, `http://127.0.0.1:${closed}/x`, `rtsp://127.0.0.1:${closed}/x`]) {
    const res = await h.app.inject({ method: 'POST', url: '/api/cameras/test', headers: h.headers(admin), payload: { url } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<{ ok: boolean; error: string }>();
    assert.equal(body.ok, false);
    assert.ok(generic.has(body.error), `${url}: ${body.error}`);
    assert.ok(!res.body.includes('internal-secret-banner'), res.body);
  }
});

test('server.cameraNetworks: 127.0.0.1 allowed or denied for create, change and test', async (t) => {
  const target = await countingListener(t);
  const url = `rtsp://127.0.0.1:${target.port}/x`;
  const requests = [
    ['POST', '/api/cameras/test', { url }],
    ['POST', '/api/cameras', { name: 'net-cam', url }],
    ['PATCH', '/api/cameras/A', { url: `rtsp://localhost:${target.port}/y` }],
    ['PATCH', '/api/cameras/B', { subUrl: url }],
  ] as const;
  const denied = await harness(t, ['10.0.0.0/8']);
  for (const [method, path, payload] of requests) {
    const res = await denied.h.app.inject({ method, url: path, headers: denied.h.headers(denied.admin), payload });
    assert.equal(res.statusCode, 400, `${method} ${path}: ${res.body}`);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'CAMERA_NETWORK_REFUSED');
    assert.match(res.json<{ error: { message: string } }>().error.message, /cameraNetworks/);
  }
  assert.equal(target.hits(), 0, 'a refused host was contacted');
  assert.equal(denied.h.audit.list({ action: 'camera_test' })[0]?.details['refused'], 'CAMERA_NETWORK_REFUSED');

  const allowed = await harness(t, ['127.0.0.1/32', '::1/128']);
  const expected = [200, 201, 200, 200];
  for (const [i, [method, path, payload]] of requests.entries()) {
    const res = await allowed.h.app.inject({ method, url: path, headers: allowed.h.headers(allowed.admin), payload });
    assert.equal(res.statusCode, expected[i], `${method} ${path}: ${res.body}`);
  }
  assert.ok(target.hits() >= 1, 'the allowed test contacted the camera');
});
