/**
 * Sign-in, sessions, CSRF, lockout, API tokens, setup and security headers of the API, over real
 * stores with an injected clock; and proof that no password reaches a response, a log line or the
 * audit log.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test, type TestContext } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { SqliteSetupTokenStore } from '../src/store/sqlite-setup-tokens.ts';
import type { AuditEntry } from '../src/store/audit-log.ts';
import { createHarness, PASSWORD, sessionCookieOf, T0, type Harness, type HarnessOptions } from './fixtures/api-harness.ts';

const MIN = 60_000;

async function harness(t: TestContext, options: HarnessOptions = {}): Promise<Harness> {
  const h = await createHarness(options);
  t.after(() => h.close());
  return h;
}

const code = (res: LightMyRequestResponse): string => res.json<{ error: { code: string } }>().error.code;
const entries = (h: Harness, action: string): AuditEntry[] => h.audit.list({ action, limit: 1000 });

describe('sign-in and sessions', () => {
  test('login sets a strict session cookie and returns the user and CSRF token; me and logout work', async (t) => {
    const h = await harness(t);
    const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'Viewer', password: PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /^sightline_session=[A-Za-z0-9_-]{43};/);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) assert.ok(setCookie.includes(flag), `${flag} in ${setCookie}`);
    assert.ok(!setCookie.includes('Secure'), 'no Secure flag over plain HTTP');
    const body = res.json<{ user: { name: string; role: string }; csrfToken: string }>();
    assert.equal(body.user.name, 'viewer');
    assert.equal(body.user.role, 'viewer');
    const cookie = sessionCookieOf(res)!;
    const stored = h.db.prepare<[], { token_hash: string }>('SELECT token_hash FROM sessions').all();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.token_hash, cookie, 'only a hash of the token is stored');

    const me = await h.app.inject({ url: '/api/auth/me', headers: { cookie: `sightline_session=${cookie}` } });
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.json<{ cameras: string[] }>().cameras, ['A']);
    assert.equal(me.json<{ csrfToken: string }>().csrfToken, body.csrfToken);

    const out = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `sightline_session=${cookie}`, 'x-csrf-token': body.csrfToken } });
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), /sightline_session=;.*Expires=Thu, 01 Jan 1970/);
    const after = await h.app.inject({ url: '/api/auth/me', headers: { cookie: `sightline_session=${cookie}` } });
    assert.equal(after.statusCode, 401);
    assert.equal(code(after), 'AUTH_REQUIRED');
    assert.deepEqual(entries(h, 'logout').map((e) => e.actor), ['viewer']);
  });

  test('over HTTPS the cookie is Secure and HSTS is sent; over HTTP no HSTS', async (t) => {
    const secure = await harness(t, { https: true });
    const res = await secure.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: PASSWORD } });
    assert.match(String(res.headers['set-cookie']), /; Secure/);
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
    const plain = await harness(t);
    assert.equal((await plain.app.inject({ url: '/healthz' })).headers['strict-transport-security'], undefined);
  });

  test('wrong passwords and unknown users get the same 401, audited as login_failed with the address', async (t) => {
    const h = await harness(t);
    const wrong = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: 'not-the-password' }, remoteAddress: '192.0.2.7' });
    const unknown = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'nobody', password: 'not-the-password' }, remoteAddress: '192.0.2.7' });
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { error: { code: 'AUTH_FAILED', message: 'the user name or password is wrong' } });
      assert.equal(res.headers['set-cookie'], undefined);
    }
    const failed = entries(h, 'login_failed');
    assert.deepEqual(failed.map((e) => [e.actor, e.details.remote]), [['admin', '192.0.2.7'], ['nobody', '192.0.2.7']]);
    assert.ok(!JSON.stringify(failed).includes('not-the-password'));
    await h.login('admin');
    assert.equal(entries(h, 'login').length, 1);
  });

  test('sign-in and setup accept JSON only (a cross-site form cannot post them)', async (t) => {
    const h = await harness(t);
    const cases: [string, string][] = [
      ['application/x-www-form-urlencoded', `name=admin&password=${PASSWORD}`],
      ['text/plain', JSON.stringify({ name: 'admin', password: PASSWORD })],
      ['multipart/form-data; boundary=x', '--x--'],
    ];
    for (const [type, payload] of cases) {
      for (const url of ['/api/auth/login', '/api/setup']) {
        const res = await h.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
        assert.equal(res.statusCode, 415, `${url} ${type}: ${res.body}`);
      }
    }
  });

  test('state-changing requests with a session need the CSRF header; reads and tokens do not', async (t) => {
    const h = await harness(t);
    const admin = await h.login('admin');
    const body = { name: 'csrf-cam', url: 'rtsp://10.0.0.3/x' };
    const cases: [string, Record<string, string>, number][] = [
      ['missing', h.headers(admin, false), 403],
      ['wrong', { ...h.headers(admin, false), 'x-csrf-token': 'A'.repeat(43) }, 403],
      ['of another session', { ...h.headers(admin, false), 'x-csrf-token': (await h.login('admin')).csrf }, 403],
      ['empty', { ...h.headers(admin, false), 'x-csrf-token': '' }, 403],
    ];
    for (const [name, headers, status] of cases) {
      await t.test(name, async () => {
        const res = await h.app.inject({ method: 'POST', url: '/api/cameras', headers, payload: body });
        assert.equal(res.statusCode, status, name);
        assert.equal(code(res), 'CSRF_FAILED', name);
      });
    }
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await h.app.inject({ method, url: '/api/cameras/B', headers: h.headers(admin, false), payload: { fps: 2 } });
      assert.equal(res.statusCode, 403, method);
    }
    assert.equal((await h.app.inject({ url: '/api/cameras', headers: h.headers(admin, false) })).statusCode, 200);
    assert.equal((await h.app.inject({ method: 'POST', url: '/api/cameras', headers: h.headers(admin), payload: body })).statusCode, 201);
    const token = await h.token('reader', ['cameras:read']);
    assert.equal((await h.app.inject({ url: '/api/cameras', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
  });

  test('a session ends after the idle time and at its absolute lifetime', async (t) => {
    const h = await harness(t, { idleMinutes: 30, sessionHours: 2 });
    const me = async (c: { cookie: string }): Promise<number> => (await h.app.inject({ url: '/api/auth/me', headers: { cookie: `sightline_session=${c.cookie}` } })).statusCode;
    const idle = await h.login('viewer');
    h.clock.t += 29 * MIN;
    assert.equal(await me(idle), 200, 'within the idle time');
    h.clock.t += 29 * MIN;
    assert.equal(await me(idle), 200, 'the last request reset the idle time');
    h.clock.t += 30 * MIN;
    assert.equal(await me(idle), 401, 'idle for 30 minutes');

    const busy = await h.login('viewer');
    const start = h.clock.t;
    while (h.clock.t + 20 * MIN < start + 120 * MIN) {
      h.clock.t += 20 * MIN;
      assert.equal(await me(busy), 200);
    }
    h.clock.t = start + 120 * MIN;
    assert.equal(await me(busy), 401, 'past the absolute lifetime even while busy');
  });

  test('a disabled user loses their sessions; a password change ends the other sessions only', async (t) => {
    const h = await harness(t);
    const admin = await h.login('admin');
    const viewer = await h.login('viewer');
    const res = await h.app.inject({ method: 'PATCH', url: `/api/users/${h.ids.viewer}`, headers: h.headers(admin), payload: { disabled: true } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await h.app.inject({ url: '/api/auth/me', headers: h.headers(viewer) })).statusCode, 401);

    const a = await h.login('operator');
    const b = await h.login('operator');
    const weak = await h.app.inject({ method: 'POST', url: '/api/auth/password', headers: h.headers(a), payload: { currentPassword: PASSWORD, newPassword: 'short' } });
    assert.equal(code(weak), 'PASSWORD_WEAK');
    const wrong = await h.app.inject({ method: 'POST', url: '/api/auth/password', headers: h.headers(a), payload: { currentPassword: 'wrong-password-here', newPassword: 'a-much-better-passphrase' } });
    assert.equal(code(wrong), 'AUTH_FAILED');
    const ok = await h.app.inject({ method: 'POST', url: '/api/auth/password', headers: h.headers(a), payload: { currentPassword: PASSWORD, newPassword: 'a-much-better-passphrase' } });
    assert.equal(ok.statusCode, 204, ok.body);
    assert.equal((await h.app.inject({ url: '/api/auth/me', headers: h.headers(a) })).statusCode, 200);
    assert.equal((await h.app.inject({ url: '/api/auth/me', headers: h.headers(b) })).statusCode, 401);
    await h.login('operator', 'a-much-better-passphrase');
  });

  test('50 wrong passwords from one address: the right one from another succeeds; from the first, a short 429 with Retry-After', async (t) => {
    const h = await harness(t);
    const attempt = (password: string, remoteAddress: string, cookie?: string) =>
      h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'operator', password }, remoteAddress, ...(cookie === undefined ? {} : { headers: { cookie } }) });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await attempt('wrong-password-guess', '198.51.100.1')).statusCode);
    assert.deepEqual([...new Set(statuses)].sort(), [401, 429]);
    const fromB = await attempt(PASSWORD, '198.51.100.2');
    assert.equal(fromB.statusCode, 200, fromB.body);
    const fromA = await attempt(PASSWORD, '198.51.100.1');
    assert.equal(fromA.statusCode, 429);
    assert.equal(code(fromA), 'LOGIN_LOCKED');
    const seconds = Number(fromA.headers['retry-after']);
    assert.ok(seconds >= 1 && seconds <= 15, `Retry-After ${seconds} s is short`);
    h.clock.t += seconds * 1000;
    assert.equal((await attempt(PASSWORD, '198.51.100.1')).statusCode, 200, 'right after Retry-After the right password works');
  });

  test('behind one shared address, the device cookie from an earlier sign-in keeps the owner in', async (t) => {
    const h = await harness(t);
    const local = '127.0.0.1';
    const first = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: PASSWORD }, remoteAddress: local });
    const all = [first.headers['set-cookie']].flat().map(String);
    const device = all.find((c) => c.startsWith('sightline_device='))!;
    assert.ok(device !== undefined, all.join(' | '));
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/api/auth']) assert.ok(device.includes(flag), `${flag} in ${device}`);
    const cookie = device.split(';')[0]!;
    for (let i = 0; i < 30; i++) await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: 'attacker-guess' }, remoteAddress: local });
    const plain = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: PASSWORD }, remoteAddress: local });
    assert.equal(plain.statusCode, 429, 'without the cookie the shared pair is slowed down');
    assert.ok(Number(plain.headers['retry-after']) <= 300, 'for minutes at most');
    const forged = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: PASSWORD }, remoteAddress: local, headers: { cookie: `sightline_device=${'A'.repeat(22)}.${'B'.repeat(43)}` } });
    assert.equal(forged.statusCode, 429, 'a forged device cookie counts for nothing');
    const owner = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: PASSWORD }, remoteAddress: local, headers: { cookie } });
    assert.equal(owner.statusCode, 200, owner.body);
  });

  test('wrong current passwords are audited and throttled like sign-ins', async (t) => {
    const h = await harness(t);
    const me = await h.login('operator');
    const change = (currentPassword: string) =>
      h.app.inject({ method: 'POST', url: '/api/auth/password', headers: h.headers(me), payload: { currentPassword, newPassword: 'a-much-better-passphrase' }, remoteAddress: '198.51.100.9' });
    for (let i = 0; i < 5; i++) assert.equal(code(await change(`wrong-guess-${i}`)), 'AUTH_FAILED');
    const locked = await change(PASSWORD);
    assert.equal(locked.statusCode, 429);
    assert.equal(code(locked), 'LOGIN_LOCKED');
    assert.ok(Number(locked.headers['retry-after']) >= 1);
    const failed = entries(h, 'password_change_failed');
    assert.deepEqual(failed.map((e) => [e.actor, e.details.reason]), [...Array(5).fill(['operator', 'invalid']), ['operator', 'locked']]);
    assert.ok(!JSON.stringify(failed).includes('wrong-guess'));
    h.clock.t += Number(locked.headers['retry-after']) * 1000;
    assert.equal((await change(PASSWORD)).statusCode, 204);
  });

  test('garbage cookies and bearer headers are refused with 401', async (t) => {
    const h = await harness(t);
    const cases: Record<string, string>[] = [
      { cookie: 'sightline_session=' },
      { cookie: 'sightline_session=abc' },
      { cookie: `sightline_session=${'A'.repeat(43)}` },
      { cookie: 'sightline_session=%00%ff' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer slt_short' },
      { authorization: `Bearer slt_${'A'.repeat(43)}` },
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
    ];
    for (const headers of cases) {
      const res = await h.app.inject({ url: '/api/cameras', headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.match(code(res), /^(AUTH_REQUIRED|TOKEN_INVALID)$/);
    }
  });
});

describe('API tokens', () => {
  test('scopes decide what a token may read; the value is shown once; revocation and expiry end it', async (t) => {
    const h = await harness(t);
    const admin = await h.login('admin');
    const created = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: h.headers(admin), payload: { name: 'prom', scopes: ['metrics:read'], expiresAt: T0 + 60 * MIN } });
    assert.equal(created.statusCode, 201);
    const { token, id } = created.json<{ token: string; id: string }>();
    assert.match(token, /^slt_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await h.app.inject({ url: '/metrics', headers: bearer })).statusCode, 200);
    for (const url of ['/api/events', '/api/cameras', '/api/users', '/api/auth/me']) assert.equal((await h.app.inject({ url, headers: bearer })).statusCode, 403, url);

    const list = await h.app.inject({ url: '/api/tokens', headers: h.headers(admin) });
    assert.ok(!list.body.includes(token), 'the list never shows a token');
    const listed = list.json<{ tokens: { name: string; lastUsedAt: number | null; createdBy: string }[] }>().tokens.find((x) => x.name === 'prom')!;
    assert.equal(listed.lastUsedAt, T0);
    assert.equal(listed.createdBy, 'admin');
    assert.equal(h.db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM api_tokens WHERE token_hash = ? OR name = ?').get(token, token)!.n, 0, 'only a hash is stored');

    h.clock.t = T0 + 60 * MIN;
    const expired = await h.app.inject({ url: '/metrics', headers: bearer });
    assert.equal(expired.statusCode, 401);
    assert.equal(code(expired), 'TOKEN_INVALID');

    const admin2 = await h.login('admin');
    const events = await h.token('events', ['events:read']);
    assert.equal((await h.app.inject({ url: '/api/events', headers: { authorization: `Bearer ${events}` } })).statusCode, 200);
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/tokens/${h.db.prepare<[], { id: string }>("SELECT id FROM api_tokens WHERE name = 'events'").get()!.id}`, headers: h.headers(admin2) });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await h.app.inject({ url: '/api/events', headers: { authorization: `Bearer ${events}` } })).statusCode, 401);
    assert.deepEqual(entries(h, 'token_create').map((e) => e.details.name), ['prom', 'events']);
    assert.equal(entries(h, 'token_revoke').length, 1);
    assert.equal((await h.app.inject({ method: 'DELETE', url: '/api/tokens/nope', headers: h.headers(admin2) })).statusCode, 404);
    assert.ok(id.length > 0);
  });

  test('bad token requests are refused: unknown scope, taken name, past expiry', async (t) => {
    const h = await harness(t);
    const admin = await h.login('admin');
    const post = (payload: object) => h.app.inject({ method: 'POST', url: '/api/tokens', headers: h.headers(admin), payload });
    assert.equal((await post({ name: 'x', scopes: ['admin'] })).statusCode, 400);
    assert.equal((await post({ name: 'x', scopes: [] })).statusCode, 400);
    assert.equal((await post({ name: 'x', scopes: ['events:read'], expiresAt: T0 - 1 })).statusCode, 400);
    assert.equal((await post({ name: 'x', scopes: ['events:read'] })).statusCode, 201);
    assert.equal((await post({ name: 'x', scopes: ['events:read'] })).statusCode, 409);
  });
});

describe('API tokens follow their creator', () => {
  test('a token sees only the cameras its creator may see now, and dies when the creator is disabled', async (t) => {
    const h = await harness(t);
    const admin = await h.login('admin');
    const made = await h.app.inject({ method: 'POST', url: '/api/users', headers: h.headers(admin), payload: { name: 'boss', password: PASSWORD, role: 'admin' } });
    assert.equal(made.statusCode, 201, made.body);
    const bossId = made.json<{ id: string }>().id;
    const boss = await h.login('boss');
    const created = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: h.headers(boss), payload: { name: 'cams', scopes: ['cameras:read', 'events:read'] } });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json<{ expiresAt: number }>().expiresAt, T0 + 90 * 24 * 60 * MIN, 'expires in 90 days by default');
    const bearer = { authorization: `Bearer ${created.json<{ token: string }>().token}` };
    const visible = async (): Promise<string[]> => (await h.app.inject({ url: '/api/cameras', headers: bearer })).json<{ cameras: { id: string }[] }>().cameras.map((c) => c.id);
    const all = await visible();
    assert.ok(all.length >= 2, `an admin's token sees every camera: ${all.join(',')}`);
    const hidden = all.find((id) => id !== 'A')!;
    const patch = (payload: object) => h.app.inject({ method: 'PATCH', url: `/api/users/${bossId}`, headers: h.headers(admin), payload });
    assert.equal((await patch({ role: 'viewer' })).statusCode, 200);
    assert.deepEqual(await visible(), [], 'a viewer without grants: the token sees nothing');
    await h.app.inject({ method: 'PUT', url: `/api/users/${bossId}/cameras`, headers: h.headers(admin), payload: { cameras: ['A'] } });
    assert.deepEqual(await visible(), ['A'], 'the grant applies at once');
    assert.equal((await h.app.inject({ url: `/api/cameras/${hidden}`, headers: bearer })).statusCode, 404);
    const events = await h.app.inject({ url: '/api/events', headers: bearer });
    assert.equal(events.statusCode, 200);
    assert.ok(events.json<{ events: { cameraId: string }[] }>().events.every((e) => e.cameraId === 'A'), 'events of other cameras are hidden');
    assert.equal((await patch({ disabled: true })).statusCode, 200);
    assert.equal(code(await h.app.inject({ url: '/api/cameras', headers: bearer })), 'TOKEN_INVALID');
    assert.equal((await patch({ disabled: false })).statusCode, 200);
    assert.equal(code(await h.app.inject({ url: '/api/cameras', headers: bearer })), 'TOKEN_INVALID', 'it stays dead after re-enabling');
    const tooLong = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: h.headers(admin), payload: { name: 'forever', scopes: ['events:read'], expiresAt: T0 + 400 * 24 * 60 * MIN } });
    assert.equal(tooLong.statusCode, 400);
  });
});

describe('admin changes to a user are all or nothing', () => {
  test('a password with a refused role change changes nothing; an accepted password change is audited and ends the sessions', async (t) => {
    const h = await harness(t);
    const admin = await h.login('admin');
    const viewer = await h.login('viewer');
    const patch = (id: string, payload: object) => h.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: h.headers(admin), payload });
    const refused = await patch(h.ids.admin, { role: 'viewer', password: 'a-brand-new-passphrase' });
    assert.equal(refused.statusCode, 409);
    await h.login('admin');
    await assert.rejects(() => h.login('admin', 'a-brand-new-passphrase'), /401/);
    assert.equal((await h.app.inject({ url: '/api/auth/me', headers: h.headers(admin) })).statusCode, 200, 'no session ended');
    assert.deepEqual(entries(h, 'user_update'), []);

    const reset = await patch(h.ids.viewer, { password: 'a-brand-new-passphrase' });
    assert.equal(reset.statusCode, 200, reset.body);
    assert.equal((await h.app.inject({ url: '/api/auth/me', headers: h.headers(viewer) })).statusCode, 401, "the user's sessions ended");
    const [entry] = entries(h, 'user_update');
    assert.deepEqual([entry?.details.fields, entry?.details.passwordChanged, entry?.details.sessionsEnded], [['password'], true, 1]);
    await h.login('viewer', 'a-brand-new-passphrase');
  });
});

describe('setup', () => {
  test('the setup link creates the first admin once; then it is closed', async (t) => {
    const h = await harness(t, { seed: false });
    assert.deepEqual((await h.app.inject({ url: '/api/setup' })).json(), { open: true });
    const token = new SqliteSetupTokenStore(h.db).create({ now: T0 });
    const post = (payload: object) => h.app.inject({ method: 'POST', url: '/api/setup', payload });
    const bad = await post({ token: 'x'.repeat(43), name: 'root', password: PASSWORD });
    assert.equal(bad.statusCode, 401);
    assert.equal(code(bad), 'SETUP_TOKEN_INVALID');
    const weak = await post({ token, name: 'root', password: 'root' });
    assert.equal(code(weak), 'PASSWORD_WEAK');
    const ok = await post({ token, name: 'root', password: PASSWORD });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json<{ user: { role: string } }>().user.role, 'admin');
    const again = await post({ token, name: 'root2', password: PASSWORD });
    assert.equal(again.statusCode, 409);
    assert.equal(code(again), 'SETUP_CLOSED');
    assert.deepEqual((await h.app.inject({ url: '/api/setup' })).json(), { open: false });
    assert.deepEqual(entries(h, 'setup').map((e) => e.actor), ['root']);
    await h.login('root');
  });
});

describe('headers and secrets', () => {
  test('security headers are on every answer, errors included', async (t) => {
    const h = await harness(t);
    for (const url of ['/healthz', '/api/cameras', '/api/nope', '/api/cameras/%zz']) {
      const res = await h.app.inject({ url });
      const where = `${url} → ${res.statusCode}`;
      assert.equal(res.headers['cache-control'], 'no-store', where);
      if (url.includes('%zz')) continue;
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/, where);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, where);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', where);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', where);
      assert.equal(res.headers['x-frame-options'], 'DENY', where);
    }
  });

  test('no password (user or camera) appears in any response, log line or audit entry', async (t) => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const h = await harness(t, { logger: { level: 'trace', stream } });
    const camPassword = 'Cam-Secret-7731';
    const camPassword2 = 'Other-Cam-Secret-9020';
    const bodies: string[] = [];
    const send = async (opts: InjectOptions): Promise<LightMyRequestResponse> => {
      const res = await h.app.inject(opts);
      bodies.push(res.body, JSON.stringify(res.headers));
      return res;
    };
    await send({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: 'wrong-password-xyz' } });
    const login = await send({ method: 'POST', url: '/api/auth/login', payload: { name: 'admin', password: PASSWORD } });
    const admin = { cookie: `sightline_session=${sessionCookieOf(login)!}`, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
    const created = await send({ method: 'POST', url: '/api/cameras', headers: admin, payload: { name: 'door', url: 'rtsp://10.1.1.1/s', credentials: { username: 'cam', password: camPassword } } });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json<{ id: string; hasCredentials: boolean }>();
    assert.equal(view.hasCredentials, true);
    await send({ method: 'PATCH', url: `/api/cameras/${view.id}`, headers: admin, payload: { credentials: { username: 'cam', password: camPassword2 } } });
    await send({ method: 'PATCH', url: `/api/cameras/${view.id}`, headers: admin, payload: { credentials: { username: 'cam', password: camPassword }, fps: 'fast' } });
    await send({ method: 'POST', url: '/api/cameras', headers: admin, payload: { name: 'door', url: 'rtsp://10.1.1.1/s', credentials: { username: 'cam', password: camPassword } } });
    await send({ method: 'POST', url: '/api/cameras', headers: admin, payload: { name: 'bad name!', url: 'rtsp://10.1.1.1/s', credentials: { username: 'cam', password: camPassword, extra: camPassword } } });
    await send({ method: 'POST', url: '/api/cameras', headers: { ...admin, 'content-type': 'application/json' }, payload: `{"name":"x","credentials":{"password":"${camPassword}"` });
    await send({ url: `/api/cameras/${view.id}`, headers: admin });
    await send({ url: '/api/cameras', headers: admin });
    await send({ method: 'POST', url: '/api/users', headers: admin, payload: { name: 'newbie', password: 'Newbie-Passphrase-42', role: 'viewer' } });
    await send({ method: 'POST', url: '/api/users', headers: admin, payload: { name: 'newbie2', password: 'short', role: 'viewer' } });
    const everything = [...bodies, ...lines, JSON.stringify(h.audit.list({ limit: 1000 }))].join('\n');
    assert.ok(lines.length > 10, 'the log stream was captured');
    for (const secret of [camPassword, camPassword2, PASSWORD, 'wrong-password-xyz', 'Newbie-Passphrase-42']) {
      assert.ok(!everything.includes(secret), `${secret} leaked`);
    }
    const logsAndAudit = [...lines, JSON.stringify(h.audit.list({ limit: 1000 }))].join('\n');
    assert.ok(!logsAndAudit.includes(sessionCookieOf(login)!), 'the session token leaked');
    assert.ok(!lines.join('\n').includes(login.json<{ csrfToken: string }>().csrfToken), 'the CSRF token leaked into the log');
  });
});

describe('audit', () => {
  test('live views are audited once per user, camera and minute; export and playback every time', async (t) => {
    const h = await harness(t);
    const op = await h.login('operator');
    const live = () => h.app.inject({ url: '/api/cameras/A/live.jpg', headers: h.headers(op) });
    assert.equal((await live()).headers['content-type'], 'image/jpeg');
    await live();
    h.clock.t += 30_000;
    await live();
    assert.equal(entries(h, 'live_view').length, 1);
    h.clock.t += 31_000;
    await live();
    assert.deepEqual(entries(h, 'live_view').map((e) => [e.actor, e.target]), [['operator', 'A'], ['operator', 'A']]);

    const exp = await h.app.inject({ url: `/api/cameras/A/export.mp4?from=${T0 - 70_000}&to=${T0 - 40_000}`, headers: h.headers(op) });
    assert.equal(exp.statusCode, 200);
    assert.equal(exp.headers['content-type'], 'video/mp4');
    assert.deepEqual(entries(h, 'export').map((e) => [e.actor, e.target, e.details.from, e.details.to]), [['operator', 'A', T0 - 70_000, T0 - 40_000]]);
    const play = await h.app.inject({ url: '/api/cameras/A/recordings/1', headers: h.headers(op) });
    assert.equal(play.headers['content-type'], 'video/mp2t');
    assert.equal(entries(h, 'playback').length, 1);
    await h.app.inject({ url: '/api/events?camera=A&type=zone_enter', headers: h.headers(op) });
    assert.deepEqual(entries(h, 'search').map((e) => e.details), [{ camera: 'A', type: 'zone_enter', results: 0 }]);
  });
});
