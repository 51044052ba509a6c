/**
 * Unredacted video on request, through the real app and SQLite: nobody may ask by default (admins
 * included), an admin gives the permission per user (operators and admins, never viewers), a
 * request needs a written reason and gets one camera for a limited time, grants run out on the
 * injected clock, end early on DELETE or when the permission is taken, and every grant and end is
 * in the audit log with its reason. `UnredactedAccess.unredactedGrantFor` (what the code that shows
 * video asks) agrees with the API throughout.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createHarness, T0, type Harness, type HarnessOptions, type SessionCreds } from './fixtures/api-harness.ts';

const MIN = 60_000;
const REASON = 'Incident 2024-0611: identify who forced the back door';

interface GrantAnswer {
  id: string;
  cameraId: string;
  userId: string;
  userName: string | null;
  reason: string;
  grantedAt: number;
  expiresAt: number;
  endedAt: number | null;
  endedBy: string | null;
  active: boolean;
}

async function setup(t: TestContext, options: HarnessOptions = {}): Promise<{ h: Harness; admin: SessionCreds; operator: SessionCreds; viewer: SessionCreds }> {
  const h = await createHarness(options);
  t.after(() => h.close());
  return { h, admin: await h.login('admin'), operator: await h.login('operator'), viewer: await h.login('viewer') };
}

function ask(h: Harness, who: SessionCreds, camera: string, payload: object): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'POST', url: `/api/cameras/${camera}/unredacted`, headers: h.headers(who), payload });
}

async function setFlag(h: Harness, admin: SessionCreds, userId: string, on: boolean): Promise<LightMyRequestResponse> {
  return h.app.inject({ method: 'PATCH', url: `/api/users/${userId}`, headers: h.headers(admin), payload: { unredactedVideo: on } });
}

function codeOf(res: LightMyRequestResponse): string {
  return res.json<{ error: { code: string } }>().error.code;
}

async function mayRequest(h: Harness, who: SessionCreds): Promise<boolean> {
  const res = await h.app.inject({ url: '/api/auth/me', headers: h.headers(who) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ mayRequestUnredacted: boolean }>().mayRequestUnredacted;
}

function grantFor(h: Harness, userId: string, camera: string): string | null {
  return h.unredacted!.unredactedGrantFor({ userId }, camera, h.clock.t)?.id ?? null;
}

test('nobody may ask by default, admins included; viewers never, tokens never', async (t) => {
  const { h, admin, operator, viewer } = await setup(t);
  for (const [name, who] of [['viewer', viewer], ['operator', operator], ['admin', admin]] as const) {
    const res = await ask(h, who, 'A', { reason: REASON });
    assert.equal(res.statusCode, 403, `${name}: ${res.body}`);
    assert.equal(codeOf(res), 'FORBIDDEN');
    assert.match(res.body, name === 'viewer' ? /a viewer never holds/ : /an admin gives per user/);
    assert.equal(await mayRequest(h, who), false, name);
    assert.equal(grantFor(h, who.user.id, 'A'), null);
  }
  const token = await h.token('grant-token', ['cameras:read']);
  const byToken = await h.app.inject({ method: 'POST', url: '/api/cameras/A/unredacted', headers: { authorization: `Bearer ${token}` }, payload: { reason: REASON } });
  assert.equal(byToken.statusCode, 403, byToken.body);
  assert.deepEqual(h.audit.list({ action: 'unredacted_grant' }), []);
});

test('an admin gives the permission to operators and admins, never to viewers; it is audited', async (t) => {
  const { h, admin, operator, viewer } = await setup(t);
  const given = await setFlag(h, admin, h.ids.operator, true);
  assert.equal(given.statusCode, 200, given.body);
  assert.equal(given.json<{ unredactedVideo: boolean }>().unredactedVideo, true);
  assert.equal(await mayRequest(h, operator), true, 'the operator keeps their session and may ask now');
  const refused = await setFlag(h, admin, h.ids.viewer, true);
  assert.equal(refused.statusCode, 400, refused.body);
  assert.equal(codeOf(refused), 'USER_INVALID');
  assert.equal(await mayRequest(h, viewer), false);
  assert.equal((await ask(h, viewer, 'A', { reason: REASON })).statusCode, 403);
  assert.equal((await setFlag(h, admin, h.ids.admin, true)).statusCode, 200);
  assert.equal(await mayRequest(h, admin), true);
  const updates = h.audit.list({ action: 'user_update' }).map((e) => [e.target, e.details.unredactedVideo]);
  assert.deepEqual(updates, [['operator', true], ['admin', true]]);
  const list = (await h.app.inject({ url: '/api/users', headers: h.headers(admin) })).json<{ users: { name: string; unredactedVideo: boolean }[] }>();
  assert.deepEqual(list.users.map((u) => [u.name, u.unredactedVideo]), [['admin', true], ['operator', true], ['viewer', false]]);
});

test('a request needs a written reason of 10 to 500 characters and a duration within the server maximum', async (t) => {
  const { h, admin, operator } = await setup(t);
  await setFlag(h, admin, h.ids.operator, true);
  const cases: [string, object][] = [
    ['no reason', {}],
    ['an empty reason', { reason: '' }],
    ['a short reason', { reason: 'because' }],
    ['nine characters once trimmed', { reason: '   123456789   ' }],
    ['a reason of 501 characters', { reason: 'x'.repeat(501) }],
    ['a reason that is not text', { reason: 12345678901 }],
    ['zero minutes', { reason: REASON, minutes: 0 }],
    ['a fraction of a minute', { reason: REASON, minutes: 1.5 }],
    ['more than the server maximum (60)', { reason: REASON, minutes: 61 }],
    ['an unknown field', { reason: REASON, camera: 'B' }],
  ];
  for (const [what, payload] of cases) {
    const res = await ask(h, operator, 'A', payload);
    assert.equal(res.statusCode, 400, `${what}: ${res.statusCode} ${res.body}`);
    assert.equal(codeOf(res), 'REQUEST_INVALID', what);
  }
  const over = await ask(h, operator, 'A', { reason: REASON, minutes: 61 });
  assert.match(over.body, /from 1 to 60 \(the server's maximum\)/);
  assert.equal(grantFor(h, h.ids.operator, 'A'), null);
  assert.deepEqual(h.audit.list({ action: 'unredacted_grant' }), []);
  const listed = await h.app.inject({ url: '/api/unredacted-grants', headers: h.headers(operator) });
  assert.deepEqual(listed.json(), { grants: [] });
});

test('a grant: one camera, 15 minutes by default, audited with its reason, and over when it runs out', async (t) => {
  const { h, admin, operator } = await setup(t);
  await setFlag(h, admin, h.ids.operator, true);
  h.clock.t = T0 + 1000;
  const res = await ask(h, operator, 'A', { reason: `  ${REASON}  ` });
  assert.equal(res.statusCode, 201, res.body);
  const grant = res.json<GrantAnswer>();
  assert.deepEqual(grant, {
    id: grant.id,
    cameraId: 'A',
    userId: h.ids.operator,
    userName: 'operator',
    reason: REASON,
    grantedAt: T0 + 1000,
    expiresAt: T0 + 1000 + 15 * MIN,
    endedAt: null,
    endedBy: null,
    active: true,
  });
  assert.equal(grantFor(h, h.ids.operator, 'A'), grant.id);
  assert.equal(grantFor(h, h.ids.operator, 'B'), null, 'one camera only');
  assert.equal(grantFor(h, h.ids.admin, 'A'), null, 'for that user only');
  const audited = h.audit.list({ action: 'unredacted_grant' });
  assert.equal(audited.length, 1);
  assert.deepEqual(
    { actor: audited[0]!.actor, target: audited[0]!.target, details: audited[0]!.details },
    { actor: 'operator', target: 'A', details: { grant: grant.id, camera: 'cam-A', reason: REASON, minutes: 15, expiresAt: grant.expiresAt } },
  );
  // One active grant per camera: a second request while it runs is refused.
  const again = await ask(h, operator, 'A', { reason: REASON });
  assert.equal(again.statusCode, 409, again.body);
  // A camera the operator may not see is not there at all.
  const hidden = await ask(h, operator, 'B', { reason: REASON });
  assert.equal(hidden.statusCode, 404, hidden.body);
  assert.equal(codeOf(hidden), 'CAMERA_NOT_FOUND');

  h.clock.t = grant.expiresAt - 1;
  assert.equal(grantFor(h, h.ids.operator, 'A'), grant.id);
  h.clock.t = grant.expiresAt;
  assert.equal(grantFor(h, h.ids.operator, 'A'), null, 'over at its expiry');
  const active = await h.app.inject({ url: '/api/unredacted-grants?active=true', headers: h.headers(operator) });
  assert.deepEqual(active.json(), { grants: [] });
  const all = (await h.app.inject({ url: '/api/unredacted-grants', headers: h.headers(operator) })).json<{ grants: GrantAnswer[] }>();
  assert.deepEqual(all.grants.map((g) => [g.id, g.active]), [[grant.id, false]]);
  const past = (await h.app.inject({ url: '/api/unredacted-grants?active=false', headers: h.headers(operator) })).json<{ grants: GrantAnswer[] }>();
  assert.deepEqual(past.grants.map((g) => g.id), [grant.id]);
  // Once over, the user may ask again, for a chosen duration.
  const next = await ask(h, operator, 'A', { reason: REASON, minutes: 60 });
  assert.equal(next.statusCode, 201, next.body);
  assert.equal(next.json<GrantAnswer>().expiresAt, h.clock.t + 60 * MIN);
  assert.equal(h.audit.list({ action: 'unredacted_grant' }).at(-1)!.details.minutes, 60);
});

test('DELETE ends a grant early: the owner or an admin, audited once; others get 404', async (t) => {
  const { h, admin, operator, viewer } = await setup(t);
  await setFlag(h, admin, h.ids.operator, true);
  const grant = (await ask(h, operator, 'A', { reason: REASON, minutes: 30 })).json<GrantAnswer>();
  h.clock.t += 5 * MIN;
  const byViewer = await h.app.inject({ method: 'DELETE', url: `/api/unredacted-grants/${grant.id}`, headers: h.headers(viewer) });
  assert.equal(byViewer.statusCode, 404, byViewer.body);
  assert.equal(codeOf(byViewer), 'GRANT_NOT_FOUND');
  assert.equal(grantFor(h, h.ids.operator, 'A'), grant.id, 'a refused DELETE changes nothing');
  const ended = await h.app.inject({ method: 'DELETE', url: `/api/unredacted-grants/${grant.id}`, headers: h.headers(operator) });
  assert.equal(ended.statusCode, 200, ended.body);
  assert.deepEqual(ended.json<GrantAnswer>(), { ...grant, endedAt: T0 + 5 * MIN, endedBy: 'operator', active: false });
  assert.equal(grantFor(h, h.ids.operator, 'A'), null);
  const again = await h.app.inject({ method: 'DELETE', url: `/api/unredacted-grants/${grant.id}`, headers: h.headers(operator) });
  assert.equal(again.statusCode, 200);
  assert.equal(again.json<GrantAnswer>().endedAt, T0 + 5 * MIN, 'ending again changes nothing');
  const ends = h.audit.list({ action: 'unredacted_grant_end' });
  assert.equal(ends.length, 1, 'one end, audited once');
  assert.deepEqual({ actor: ends[0]!.actor, target: ends[0]!.target, details: ends[0]!.details }, { actor: 'operator', target: 'A', details: { grant: grant.id, user: 'operator', reason: REASON, minutes: 5, cause: 'ended early' } });
  const unknown = await h.app.inject({ method: 'DELETE', url: '/api/unredacted-grants/no-such-grant', headers: h.headers(operator) });
  assert.equal(unknown.statusCode, 404);

  // An admin may end anyone's grant, without holding the permission.
  const second = (await ask(h, operator, 'A', { reason: REASON })).json<GrantAnswer>();
  const byAdmin = await h.app.inject({ method: 'DELETE', url: `/api/unredacted-grants/${second.id}`, headers: h.headers(admin) });
  assert.equal(byAdmin.statusCode, 200, byAdmin.body);
  assert.equal(byAdmin.json<GrantAnswer>().endedBy, 'admin');
  assert.equal(h.audit.list({ action: 'unredacted_grant_end' }).at(-1)!.actor, 'admin');
});

test('the list: each user their own grants, admins everyone\'s', async (t) => {
  const { h, admin, operator, viewer } = await setup(t);
  await setFlag(h, admin, h.ids.operator, true);
  await setFlag(h, admin, h.ids.admin, true);
  const mine = (await ask(h, operator, 'A', { reason: REASON })).json<GrantAnswer>();
  h.clock.t += 1000;
  const admins = (await ask(h, admin, 'B', { reason: 'Checking the camera B recording for the insurer' })).json<GrantAnswer>();
  const ids = async (who: SessionCreds, query = ''): Promise<string[]> => (await h.app.inject({ url: `/api/unredacted-grants${query}`, headers: h.headers(who) })).json<{ grants: GrantAnswer[] }>().grants.map((g) => g.id);
  assert.deepEqual(await ids(operator), [mine.id]);
  assert.deepEqual(await ids(viewer), []);
  assert.deepEqual(await ids(admin), [admins.id, mine.id]);
  assert.deepEqual(await ids(admin, '?camera=A&active=true'), [mine.id]);
  assert.equal(grantFor(h, h.ids.admin, 'B'), admins.id, 'an admin with the flag gets a grant like anyone else');
  assert.equal(grantFor(h, h.ids.admin, 'A'), null, 'and only for the camera asked for');
});

test('taking the permission away (flag off, made a viewer, disabled) ends the user\'s grants at once, audited', async (t) => {
  const { h, admin } = await setup(t);
  const cases: [string, object][] = [
    ['flag taken', { unredactedVideo: false }],
    ['made a viewer', { role: 'viewer' }],
    ['disabled', { disabled: true }],
  ];
  for (const [what, change] of cases) {
    await h.app.inject({ method: 'PATCH', url: `/api/users/${h.ids.operator}`, headers: h.headers(admin), payload: { role: 'operator', disabled: false } });
    assert.equal((await setFlag(h, admin, h.ids.operator, true)).statusCode, 200, what);
    const op = await h.login('operator');
    const grant = (await ask(h, op, 'A', { reason: REASON })).json<GrantAnswer>();
    assert.equal(grantFor(h, h.ids.operator, 'A'), grant.id, what);
    const res = await h.app.inject({ method: 'PATCH', url: `/api/users/${h.ids.operator}`, headers: h.headers(admin), payload: change });
    assert.equal(res.statusCode, 200, `${what}: ${res.body}`);
    assert.equal(grantFor(h, h.ids.operator, 'A'), null, what);
    assert.equal(h.unredacted!.get(grant.id)!.endedBy, 'admin', what);
    const end = h.audit.list({ action: 'unredacted_grant_end' }).at(-1)!;
    assert.deepEqual([end.target, end.details.grant, end.details.reason, end.details.cause], ['A', grant.id, REASON, 'permission withdrawn'], what);
    h.clock.t += MIN;
  }
  // Disabled, the user keeps the flag but holds no permission: enabled again, they may ask again.
  assert.deepEqual([h.users.findById(h.ids.operator)!.unredactedVideo, grantFor(h, h.ids.operator, 'A')], [true, null]);
});

test('a grant counts only while its user may still see the camera', async (t) => {
  const { h, admin, operator } = await setup(t);
  await setFlag(h, admin, h.ids.operator, true);
  const grant = (await ask(h, operator, 'A', { reason: REASON })).json<GrantAnswer>();
  const taken = await h.app.inject({ method: 'PUT', url: `/api/users/${h.ids.operator}/cameras`, headers: h.headers(admin), payload: { cameras: [] } });
  assert.equal(taken.statusCode, 200, taken.body);
  assert.equal(grantFor(h, h.ids.operator, 'A'), null);
  const listed = (await h.app.inject({ url: '/api/unredacted-grants', headers: h.headers(operator) })).json<{ grants: GrantAnswer[] }>();
  assert.deepEqual(listed.grants.map((g) => [g.id, g.active]), [[grant.id, false]]);
});

test('a server without grants of unredacted video lets nobody ask', async (t) => {
  const { h, admin, operator } = await setup(t, { noUnredacted: true });
  await setFlag(h, admin, h.ids.operator, true);
  assert.equal(await mayRequest(h, operator), false);
  const res = await ask(h, operator, 'A', { reason: REASON });
  assert.equal(res.statusCode, 403, res.body);
  assert.match(res.body, /keeps no grants/);
  assert.deepEqual((await h.app.inject({ url: '/api/unredacted-grants', headers: h.headers(operator) })).json(), { grants: [] });
});
