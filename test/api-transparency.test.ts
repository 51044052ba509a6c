/**
 * The public transparency page through a real API app: /transparency (HTML), /transparency/sign (a
 * printable sign with a QR code of the page), /transparency.css and /api/transparency (JSON), all
 * without signing in. It names the operator, each camera's purpose, recording, analytics and
 * retention, counts the audit log by month and shows when its chain was verified; it shows no
 * picture, no stream URL and no user name.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import QRCode from 'qrcode';
import { transparencySchema, type Transparency } from '../src/api/schemas/transparency.ts';
import { AUDIT_CACHE_MS, durationWords, monthsBefore, retentionSummary } from '../src/api/transparency.ts';
import { serverConfigSchema } from '../src/config/schema/server.ts';
import { createHarness, PASSWORD, T0, type Harness, type HarnessOptions, type SessionCreds } from './fixtures/api-harness.ts';

const LINE = { name: 'door', points: [[0, 0], [100, 0]], inside: [50, 50] };
const ZONE = { name: 'plaza', polygon: [[0, 0], [100, 0], [100, 100]] };
/** A user whose name must never reach the public pages. */
const WATCHER = 'zoe.watcher';

async function harness(t: TestContext, options: HarnessOptions = {}): Promise<{ h: Harness; admin: SessionCreds }> {
  const h = await createHarness(options);
  t.after(() => h.close());
  return { h, admin: await h.login('admin') };
}

/** Cameras with purposes, and audit entries of uses by a named user, in June 2024 (T0) and May. */
async function seed(h: Harness, admin: SessionCreds): Promise<void> {
  const add = async (payload: object): Promise<void> => {
    const res = await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload });
    assert.equal(res.statusCode, 201, res.body);
  };
  await add({
    name: 'entrance',
    url: 'rtsp://10.0.0.7/secret-path',
    purpose: { statement: 'Count visitors at the main entrance <door>', allows: ['counting'] },
    record: { mode: 'events', preRollSeconds: 5, postRollSeconds: 15 },
    analytics: { lines: [LINE] },
  });
  await add({ name: 'yard', url: 'rtsp://10.0.0.8/y', purpose: { statement: 'Watch the yard at night', allows: ['zones', 'heatmap'] }, snapshots: false, analytics: { zones: [ZONE] } });
  await add({ name: 'old-lobby', url: 'rtsp://10.0.0.9/l', enabled: false, purpose: { statement: 'Lobby (retired)', allows: [] } });
  await h.users.create({ name: WATCHER, password: PASSWORD, role: 'viewer' });
  const use = (action: string, n: number): void => {
    for (let i = 0; i < n; i++) h.audit.append({ actor: WATCHER, action, target: 'A', details: { by: WATCHER } });
  };
  h.clock.t = Date.UTC(2024, 4, 20);
  use('live_view', 1);
  h.clock.t = T0;
  use('live_view', 3);
  use('playback', 2);
  use('export', 1);
  use('erase', 1);
  use('unredacted_grant', 1);
}

const json = (res: { body: string }): Transparency => transparencySchema.parse(JSON.parse(res.body));

test('the page, the sign, the stylesheet and the JSON answer anyone, signed in or not', async (t) => {
  const { h } = await harness(t);
  for (const [url, type] of [
    ['/transparency', 'text/html; charset=utf-8'],
    ['/transparency/sign', 'text/html; charset=utf-8'],
    ['/transparency.css', 'text/css; charset=utf-8'],
    ['/api/transparency', 'application/json; charset=utf-8'],
  ] as const) {
    const res = await h.app.inject({ url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.equal(res.headers['content-type'], type, url);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/, url);
    assert.doesNotMatch(csp, /unsafe-inline/, url);
  }
  const css = (await h.app.inject({ url: '/transparency.css' })).body;
  assert.match(css, /@media print/);
});

test('it names the operator, or says it is not configured, escaping what the configuration says', async (t) => {
  const none = (await harness(t)).h;
  const page = (await none.app.inject({ url: '/transparency' })).body;
  assert.match(page, /Operated by<\/dt><dd><span class="warn">Not configured<\/span>.*transparency\.operator/);
  assert.match(page, /Contact<\/dt><dd><span class="warn">Not configured<\/span>.*transparency\.contact/);
  assert.deepEqual(json(await none.app.inject({ url: '/api/transparency' })).operator, { name: null, contact: null });

  const { h } = await harness(t, { transparency: { operator: 'Corner <Shop> & Co', contact: 'privacy@corner.example' } });
  const configured = (await h.app.inject({ url: '/transparency' })).body;
  assert.match(configured, /Corner &lt;Shop&gt; &amp; Co/);
  assert.doesNotMatch(configured, /<Shop>/);
  assert.match(configured, /privacy@corner\.example/);
  assert.deepEqual(json(await h.app.inject({ url: '/api/transparency' })).operator, { name: 'Corner <Shop> & Co', contact: 'privacy@corner.example' });
});

test('each camera: its purpose, what it records, which analytics run and which its purpose allows', async (t) => {
  const { h, admin } = await harness(t);
  await seed(h, admin);
  const body = json(await h.app.inject({ url: '/api/transparency' }));
  const byName = Object.fromEntries(body.cameras.map((c) => [c.name, c]));
  assert.deepEqual(Object.keys(byName), ['cam-A', 'cam-B', 'cam-C', 'entrance', 'old-lobby', 'yard']);
  assert.deepEqual(byName['entrance'], {
    name: 'entrance',
    enabled: true,
    purpose: { statement: 'Count visitors at the main entrance <door>', allows: ['counting'] },
    recording: { mode: 'events', preRollSeconds: 5, postRollSeconds: 15 },
    snapshots: true,
    analytics: ['counting'],
  });
  assert.deepEqual(byName['yard']!.analytics, ['zones', 'heatmap']);
  assert.deepEqual(byName['old-lobby']!.analytics, [], 'a camera switched off runs nothing');
  assert.equal(byName['old-lobby']!.recording.mode, 'off');
  assert.deepEqual(byName['cam-A']!.purpose, { statement: '', allows: ['heatmap'] });

  const page = (await h.app.inject({ url: '/transparency' })).body;
  assert.match(page, /<h3 id="camera-entrance">entrance<\/h3>/);
  assert.match(page, /Count visitors at the main entrance &lt;door&gt;/);
  assert.match(page, /Video only around events \(5 s before to 15 s after each\); a still picture with each event/);
  assert.match(page, /Analytics running<\/dt><dd>counting people or vehicles crossing lines<\/dd>/);
  assert.match(page, /Watch the yard at night<\/dd>\n<dt>Records<\/dt><dd>Video, all the time<\/dd>/);
  assert.match(page, /Nothing: the camera is switched off/);
  assert.match(page, /<h3 id="camera-cam-A">cam-A<\/h3>\n<dl>\n<dt>Purpose<\/dt><dd><span class="warn">Not stated by the operator<\/span>/);
});

test('retention per kind of data comes from one function of the configuration', async (t) => {
  const config = serverConfigSchema.parse({ recording: { maxDiskGb: 20 }, retention: { videoHours: 72, eventDays: 10 } });
  const lines = retentionSummary(config);
  assert.deepEqual(lines.map((l) => [l.kind, l.hours]), [['video', 72], ['snapshots', 72], ['events', 240], ['aggregates', 365 * 24], ['audit', 365 * 24]]);
  assert.equal(lines[0]!.keptFor, '72 hours, sooner when the recordings fill their disk quota (20 GB)');
  assert.deepEqual([durationWords(72), durationWords(14 * 24), durationWords(365 * 24), durationWords(1)], ['72 hours', '14 days', '1 year', '1 hour']);
  const { h } = await harness(t);
  const page = (await h.app.inject({ url: '/transparency' })).body;
  assert.match(page, /<tr><th scope="row">Recorded video<\/th><td>72 hours, sooner when the recordings fill their disk quota \(50 GB\)<\/td><\/tr>/);
  assert.match(page, /Events \(what the analytics noticed, when, without pictures\)<\/th><td>30 days<\/td>/);
  assert.deepEqual(json(await h.app.inject({ url: '/api/transparency' })).retention, retentionSummary(serverConfigSchema.parse({})));
});

test('monthly totals from the audit log: live views, playbacks, exports, unredacted grants and erasures', async (t) => {
  const { h, admin } = await harness(t);
  await seed(h, admin);
  const { usage } = json(await h.app.inject({ url: '/api/transparency' }));
  assert.equal(usage.months.length, 12);
  assert.deepEqual(usage.months[0], { month: '2024-06', liveViews: 3, playbacks: 2, exports: 1, unredactedGrants: 1, erasures: 1 });
  assert.deepEqual(usage.months[1], { month: '2024-05', liveViews: 1, playbacks: 0, exports: 0, unredactedGrants: 0, erasures: 0 });
  assert.equal(usage.months[11]!.month, '2023-07');
  const page = (await h.app.inject({ url: '/transparency' })).body;
  assert.match(page, /<tr><th scope="row">June 2024<\/th><td class="num">3<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">1<\/td><\/tr>/);
  assert.deepEqual(
    monthsBefore(Date.UTC(2024, 0, 31, 23), 3).map((m) => [m.month, m.from, m.to]),
    [['2024-01', Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1)], ['2023-12', Date.UTC(2023, 11, 1), Date.UTC(2024, 0, 1)], ['2023-11', Date.UTC(2023, 10, 1), Date.UTC(2023, 11, 1)]],
  );
});

test('the audit chain: verified when the page is built, at most every few minutes, and a broken chain is shown', async (t) => {
  const { h, admin } = await harness(t);
  await seed(h, admin);
  const first = json(await h.app.inject({ url: '/api/transparency' }));
  assert.equal(first.auditChain.verifiedAt, T0);
  assert.equal(first.auditChain.intact, true);
  assert.equal(first.auditChain.entries, h.audit.head().seq);
  assert.match((await h.app.inject({ url: '/transparency' })).body, /Last verified 2024-06-01 12:00 UTC: <strong>intact<\/strong>, \d+ entries/);

  h.clock.t = T0 + 60_000;
  h.audit.append({ actor: WATCHER, action: 'live_view', target: 'A' });
  const cached = json(await h.app.inject({ url: '/api/transparency' }));
  assert.equal(cached.auditChain.verifiedAt, T0, 'not verified again within the cache time');
  assert.equal(cached.usage.months[0]!.liveViews, 3);
  assert.equal(cached.generatedAt, T0 + 60_000);

  // Someone edits an entry behind the log's back.
  h.db.exec('DROP TRIGGER audit_log_no_update');
  h.db.prepare('UPDATE audit_log SET actor = ? WHERE seq = 2').run('nobody');
  h.clock.t = T0 + AUDIT_CACHE_MS + 1;
  const broken = json(await h.app.inject({ url: '/api/transparency' }));
  assert.deepEqual(broken.auditChain, { verifiedAt: T0 + AUDIT_CACHE_MS + 1, intact: false, entries: null, firstBadEntry: 2 });
  assert.equal(broken.usage.months[0]!.liveViews, 4, 'counted again');
  assert.match((await h.app.inject({ url: '/transparency' })).body, /found NOT intact from entry 2 on/);
});

test('no video, no picture, no stream URL and no user name on any of the public answers', async (t) => {
  const { h, admin } = await harness(t);
  await seed(h, admin);
  for (const url of ['/transparency', '/transparency/sign', '/api/transparency']) {
    const body = (await h.app.inject({ url })).body;
    for (const banned of [/<img\b/i, /<video\b/i, /<picture\b/i, /<source\b/i, /<iframe\b/i, /<object\b/i, /<embed\b/i, /<script\b/i, /<style\b/i, /\sstyle=/i, /url\(/i, /\/api\/cameras/, /\.jpe?g/i, /\.mp4/i, /\.png/i, /data:/i, /rtsp:\/\//, /secret-path/, /10\.0\.0\./]) {
      assert.doesNotMatch(body, banned, `${url} holds ${banned}`);
    }
    for (const name of [WATCHER, 'nobody']) assert.ok(!body.includes(name), `${url} names the user ${name}`);
  }
  const signed = (await h.app.inject({ url: '/transparency', headers: h.headers(admin) })).body;
  assert.ok(!signed.includes(WATCHER) && !signed.includes('>admin<'), 'the page is the same for a signed-in admin: no user names');
});

test('the sign carries a QR code of the page, from server.publicUrl or the address asked for', async (t) => {
  const { h, admin } = await harness(t, { publicUrl: 'https://nvr.example.org:8443/', transparency: { operator: 'Corner Shop' } });
  await seed(h, admin);
  const sign = (await h.app.inject({ url: '/transparency/sign' })).body;
  const expected = (await QRCode.toString('https://nvr.example.org:8443/transparency', { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })).replace('<svg ', '');
  assert.ok(sign.includes(`<svg role="img" aria-label="QR code of https://nvr.example.org:8443/transparency" ${expected}`), 'the QR code encodes the page address');
  assert.match(sign, /<h1>Video surveillance in operation<\/h1>/);
  assert.match(sign, /Operated by Corner Shop/);
  assert.match(sign, /<li><strong>entrance<\/strong>: Count visitors at the main entrance &lt;door&gt;<\/li>/);
  assert.doesNotMatch(sign, /old-lobby/, 'a camera switched off is not on the sign');
  assert.equal(json(await h.app.inject({ url: '/api/transparency' })).url, 'https://nvr.example.org:8443/transparency');

  const plain = (await harness(t)).h;
  const res = await plain.app.inject({ url: '/api/transparency', headers: { host: '127.0.0.1:8443' } });
  assert.equal(json(res).url, 'http://127.0.0.1:8443/transparency');
});

test('/api/transparency is in the OpenAPI document, public, with its answer schema', async (t) => {
  const { h, admin } = await harness(t);
  const doc = (await h.app.inject({ url: '/api/openapi.json', headers: h.headers(admin) })).json<{ paths: Record<string, { get?: { security?: unknown[]; responses: Record<string, unknown> } }> }>();
  const op = doc.paths['/api/transparency']?.get;
  assert.ok(op, 'documented');
  assert.deepEqual(op.security, [], 'no sign-in');
  assert.ok(op.responses['200']);
  assert.equal(doc.paths['/transparency'], undefined, 'the HTML pages are not API operations');
});
