/**
 * The server's ShowVideo asks the grants: through the real server over HTTPS with its demo camera,
 * an admin without a grant gets live.jpg through redaction (nothing audited as unredacted), with a
 * grant asked for with a reason gets it unredacted and each such view is audited `unredacted_view`
 * with the grant, its live video under the grant closes when the grant is ended, and it gets
 * redacted pictures again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { GRANT_ENDED, WS_TRY_AGAIN_LATER } from '../src/api/routes/live-stream.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { startServer } from '../src/server/server.ts';
import { call, json, setupOwner } from './fixtures/https.ts';
import { waitFor } from './fixtures/wait.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-unredacted-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'tr0mbone-kettle-sunrise';


test('live.jpg is unredacted only under a grant, and each view under it is audited', { timeout: 120_000 }, async () => {
  const config = serverConfigSchema.parse({ server: { port: 0 }, detect: { workers: 1 } });
  const server = await startServer({ config, dataDir: path.join(dir, 'data'), demo: { rtspPort: 0 }, hashParams: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, httpLog: false, log: () => undefined });
  try {
    const { userId, auth } = await setupOwner(server, 'owner', PASSWORD);
    const [camera] = await server.cameras.list();
    assert.ok(camera);
    await waitFor(async () => (await call(server, 'GET', `/api/cameras/${camera.id}/live.jpg`, auth)).status === 200, 60_000, 'the demo camera to show a picture');
    const views = async (): Promise<{ actor: string; target: string; details: { grant: string; kind: string } }[]> =>
      json<{ entries: { actor: string; target: string; details: { grant: string; kind: string } }[] }>(await call(server, 'GET', '/api/audit?action=unredacted_view', auth)).entries;
    assert.deepEqual(await views(), [], 'without a grant, nothing is shown unredacted');

    assert.equal((await call(server, 'PATCH', `/api/users/${userId}`, auth, { unredactedVideo: true })).status, 200);
    const asked = await call(server, 'POST', `/api/cameras/${camera.id}/unredacted`, auth, { reason: 'Checking who left the parcel by the door', minutes: 5 });
    assert.equal(asked.status, 201, asked.body.toString());
    const grant = json<{ id: string }>(asked);
    assert.equal((await call(server, 'GET', `/api/cameras/${camera.id}/live.jpg`, auth)).status, 200);
    assert.deepEqual((await views()).map((e) => [e.actor, e.target, e.details.grant, e.details.kind]), [['owner', camera.id, grant.id, 'image']]);

    // The live video under the grant: it flows, and closes (1013, the player reconnects) the moment the grant ends.
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}/api/cameras/${camera.id}/live`, { ca: server.tls.cert, headers: { cookie: auth.cookie!, origin: server.url } });
    let fragments = 0;
    ws.on('message', (data, binary) => {
      if (binary) fragments++;
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, why) => resolve({ code, reason: why.toString() })));
    await waitFor(() => fragments >= 3, 60_000, 'unredacted live fragments');
    assert.equal((await views()).filter((e) => e.details.kind === 'live').length, 1, 'the unredacted live view is audited with its grant');

    assert.equal((await call(server, 'DELETE', `/api/unredacted-grants/${grant.id}`, auth)).status, 200);
    assert.deepEqual(await closed, { code: WS_TRY_AGAIN_LATER, reason: GRANT_ENDED }, 'the unredacted stream ends with its grant');
    assert.equal((await call(server, 'GET', `/api/cameras/${camera.id}/live.jpg`, auth)).status, 200);
    assert.equal((await views()).length, 2, 'after the grant ends, pictures are redacted again');
  } finally {
    await server.close();
  }
});
