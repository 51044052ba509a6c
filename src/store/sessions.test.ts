import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from './database.ts';
import { SessionStore, sessionTokenHash } from './sessions.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-sessions-'));
after(() => rmSync(TMP, { recursive: true, force: true }));
let n = 0;
const T0 = Date.UTC(2024, 0, 15, 10);
const MIN = 60_000;

function fresh(): { store: SessionStore; clock: { t: number }; count: () => number } {
  const clock = { t: T0 };
  const db = openDatabase(path.join(TMP, `db-${++n}`, 'sightline.db'), { now: () => T0 });
  for (const id of ['u1', 'u2']) db.prepare("INSERT INTO users (id, name, password_hash, role, created_at) VALUES (?, ?, 'x', 'viewer', 0)").run(id, id);
  const store = new SessionStore(db, { absoluteMs: 120 * MIN, idleMs: 30 * MIN, now: () => clock.t });
  return { store, clock, count: () => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!.n };
}

describe('session store', () => {
  test('a token resolves to its session; only the hash is stored; malformed and unknown tokens do not', () => {
    const { store } = fresh();
    const { token, session } = store.create('u1', '10.0.0.1');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.tokenHash, sessionTokenHash(token));
    assert.deepEqual(store.resolve(token), session);
    for (const bad of ['', 'x', token.slice(1), `${token}A`, 'A'.repeat(43), `${token.slice(0, 42)}!`]) assert.equal(store.resolve(bad), null, bad);
  });

  test('idle and absolute expiry; each request moves the idle deadline', () => {
    const { store, clock, count } = fresh();
    const { token } = store.create('u1', null);
    const cases: [number, boolean][] = [
      [29 * MIN, true],
      [29 * MIN, true],
      [29 * MIN, true],
      [29 * MIN, true],
      [4 * MIN + 1, false],
    ];
    for (const [step, alive] of cases) {
      clock.t += step;
      assert.equal(store.resolve(token) !== null, alive, `at +${(clock.t - T0) / MIN} min`);
    }
    assert.equal(count(), 0, 'an ended session is deleted');
    const idle = store.create('u1', null).token;
    clock.t += 30 * MIN;
    assert.equal(store.resolve(idle), null);
  });

  test('revoke one, revoke all of a user but one, prune ended ones', () => {
    const { store, clock, count } = fresh();
    const a = store.create('u1', null);
    const b = store.create('u1', null);
    const c = store.create('u1', null);
    const other = store.create('u2', null);
    assert.equal(store.revoke(a.session.tokenHash), true);
    assert.equal(store.revoke(a.session.tokenHash), false);
    assert.equal(store.revokeUser('u1', b.session.tokenHash), 1);
    assert.notEqual(store.resolve(b.token), null);
    assert.equal(store.resolve(c.token), null);
    assert.notEqual(store.get(other.session.tokenHash), null);
    clock.t += 31 * MIN;
    assert.equal(store.prune(), 2);
    assert.equal(count(), 0);
  });
});
