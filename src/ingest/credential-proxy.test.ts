// The loopback credential proxy: ffprobe and ffmpeg read an RTSP camera behind Digest auth, and HTTP
// streams behind Basic and Digest (with and without qop=auth), through a URL without credentials;
// a wrong token is refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { parseAuthParams } from '../rtsp/digest-auth.ts';
import { startLoopingCamera, type LoopingCamera } from '../media/looping-camera.ts';
import { RtspRelay } from '../rtsp/rtsp-server.ts';
import { DEMO_CLIP } from '../server/demo.ts';
import { startCredentialProxy } from './credential-proxy.ts';
import { probe } from './probe.ts';

const CREDS = { username: 'viewer', password: 'Zq7-pr0xy:p@ss/word' };
let relay: RtspRelay;
let cam: LoopingCamera;
/** What before() opened, closed in reverse by after() even when before() failed half-way. */
const opened: (() => Promise<void>)[] = [];

before(async () => {
  relay = new RtspRelay({ credentials: CREDS });
  await relay.listen(0, '127.0.0.1');
  opened.push(() => relay.close());
  cam = await startLoopingCamera({ file: DEMO_CLIP, path: 'gate', relay, credentials: CREDS });
  opened.push(() => cam.stop());
});
after(async () => {
  for (const close of opened.reverse()) await close();
});

function ffmpegOneFrame(url: string): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'], { timeout: 30_000 }, () => undefined);
    child.once('exit', (code) => resolve(code ?? -1));
  });
}

test('ffprobe and ffmpeg read an RTSP camera behind Digest auth through the proxy, with no credentials in the URL', { timeout: 60_000 }, async () => {
  await assert.rejects(probe(cam.url, { timeoutMs: 5000 }), /401|Unauthorized/i, 'the camera itself wants credentials');
  const proxy = await startCredentialProxy(cam.url, CREDS);
  try {
    const local = proxy.localUrl(cam.url);
    assert.match(local, /^rtsp:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{24}\/gate$/);
    assert.ok(!local.includes(CREDS.username) && !local.includes(CREDS.password));
    const info = await probe(local, { timeoutMs: 5000 });
    assert.ok(info.width > 0 && info.height > 0);
    assert.equal(await ffmpegOneFrame(local), 0, 'ffmpeg decodes a frame through the proxy');
    const wrongToken = local.replace(/\/[A-Za-z0-9_-]{24}\//, '/AAAAAAAAAAAAAAAAAAAAAAAA/');
    await assert.rejects(probe(wrongToken, { timeoutMs: 5000 }), /404|not found/i, 'a wrong token is refused');
    await assert.rejects(probe(local.replace(/\/[A-Za-z0-9_-]{24}\//, '/'), { timeoutMs: 5000 }), /404|not found/i, 'no token is refused');
  } finally {
    await proxy.close();
  }
});

test('a connection whose first request lacks the token is answered 404 and closed, nothing reaches the camera', async () => {
  const proxy = await startCredentialProxy(cam.url, CREDS);
  try {
    const port = Number(new URL(proxy.localUrl(cam.url)).port);
    const before = relay.stats().connections;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('DESCRIBE rtsp://127.0.0.1/gate RTSP/1.0\r\nCSeq: 1\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.once('close', () => resolve(text));
      socket.once('error', reject);
    });
    assert.match(answer, /^RTSP\/1\.0 404 /);
    assert.equal(relay.stats().connections, before);
  } finally {
    await proxy.close();
  }
});

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** An HTTP "camera" that wants `scheme` auth and answers a body once authenticated. */
function httpCamera(scheme: 'basic' | 'digest' | 'digest-qop'): Promise<{ url: string; close: () => void; seen: string[] }> {
  const seen: string[] = [];
  const nonce = 'abc123nonce';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const header = req.headers.authorization ?? '';
    seen.push(header);
    let ok = false;
    if (scheme === 'basic') ok = header === `Basic ${Buffer.from(`${CREDS.username}:${CREDS.password}`).toString('base64')}`;
    else if (header.startsWith('Digest ')) {
      const p = parseAuthParams(header.slice(7));
      const ha1 = md5(`${CREDS.username}:cam:${CREDS.password}`);
      const ha2 = md5(`${req.method}:${p.get('uri')}`);
      const want = scheme === 'digest' ? md5(`${ha1}:${nonce}:${ha2}`) : md5(`${ha1}:${nonce}:${p.get('nc')}:${p.get('cnonce')}:auth:${ha2}`);
      ok = p.get('uri') === req.url && p.get('response') === want && p.get('opaque') === 'op' && (scheme === 'digest' || p.get('qop') === 'auth');
    }
    if (!ok) {
      const challenge = scheme === 'basic' ? 'Basic realm="cam"' : `Digest realm="cam", nonce="${nonce}", opaque="op"${scheme === 'digest-qop' ? ', qop="auth,auth-int"' : ''}`;
      res.writeHead(401, { 'WWW-Authenticate': challenge }).end('no');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`stream of ${req.url}`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    resolve({ url: `http://127.0.0.1:${port}/video.mjpg?res=hd`, close: () => server.close(), seen });
  }));
}

for (const scheme of ['basic', 'digest', 'digest-qop'] as const) {
  test(`HTTP: the proxy answers a ${scheme} challenge; a wrong token gets 404`, async () => {
    const camera = await httpCamera(scheme);
    const proxy = await startCredentialProxy(camera.url, CREDS);
    try {
      const local = proxy.localUrl(camera.url);
      assert.match(local, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{24}\/video\.mjpg\?res=hd$/);
      for (let i = 0; i < 2; i++) {
        const r = await fetch(local);
        assert.equal(r.status, 200);
        assert.equal(await r.text(), 'stream of /video.mjpg?res=hd');
      }
      assert.equal((await fetch(local.replace(/\/[A-Za-z0-9_-]{24}\//, '/x/'))).status, 404);
      assert.ok(camera.seen.length >= 3, 'the first request was challenged, then answered');
    } finally {
      await proxy.close();
      camera.close();
    }
  });
}
