/**
 * A camera behind RTSP Digest auth: the server connects with the stored credentials, analyses and
 * records; the password is sealed at rest and never appears in a log line, a camera view, health,
 * or the database file in clear.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startLoopingCamera } from '../src/rtsp/demo-camera.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';
import { startServer } from '../src/server/server.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-cred-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Zq7-unguessable:p@ss/word';

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
  try {
    const [view] = await server.cameras.list();
    assert.ok(view);
    assert.equal(view.hasCredentials, true);
    await waitFor(async () => {
      const h = (await server.cameras.get(view.id))!.health;
      return h.state === 'connected' && h.lastFrameAt !== null && h.recording;
    }, 40_000, 'the camera to connect with its credentials and record');
    // A wrong password is refused by the camera, and the error says so without the password.
    const wrong = await server.cameras.add({ name: 'gate-wrong', url: cam.url, credentials: { username: 'viewer', password: `${PASSWORD}-wrong` }, fps: 2, record: { mode: 'off' } });
    await waitFor(async () => (await server.cameras.get(wrong.id))!.health.lastError !== null, 30_000, 'the wrong password to be refused');
    const views = JSON.stringify(await server.cameras.list());
    assert.ok(!views.includes(PASSWORD), 'no camera view holds the password');
    assert.ok(!views.includes('viewer:'), 'no URL with credentials in a view');
    await server.close();
    assert.ok(!logs.join('\n').includes(PASSWORD), `no log line holds the password:\n${logs.join('\n')}`);
    for (const f of readdirSync(dataDir).filter((n) => n.startsWith('sightline.db'))) {
      assert.ok(!readFileSync(path.join(dataDir, f)).includes(Buffer.from(PASSWORD)), `${f} does not hold the password in clear`);
    }
  } finally {
    await server.close();
    await cam.stop();
    await relay.close();
  }
});
