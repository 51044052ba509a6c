/**
 * Review items over the real API app of the harness (SQLite, real users and sessions): events of one
 * track fold into one item with its alarm, pages are cut between whole items (an item straddling
 * a page bound is shown whole on the older page), severity and reviewed filters, marks per user
 * (single and bulk, undone, audited), and camera scoping for both routes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewEvent } from '../src/store/event-store.ts';
import { createHarness, T0, type Harness } from './fixtures/api-harness.ts';

const S = 1000;

interface Item {
  id: string;
  cameraId: string;
  severity: string;
  start: number;
  end: number | null;
  types: string[];
  rules: string[];
  coverId: string;
  events: { id: string }[];
  reviewed: boolean;
  reviewedEventIds: string[];
}
interface Page {
  items: Item[];
  nextTo: number | null;
}

function ev(id: string, cameraId: string, type: NewEvent['type'], at: number, more: Partial<NewEvent> = {}): NewEvent {
  return { id, cameraId, type, rule: 'yard', trackId: type === 'crowd' ? null : 1, class: 'person', startTime: at, endTime: type === 'intrusion' || type === 'loitering' || type === 'crowd' ? null : at, frame: 1, data: {}, ...more };
}

async function seed(h: Harness): Promise<void> {
  await h.store.appendEvents([
    // Camera A, track 1: enters, raises an intrusion, leaves: one alarm item.
    ev('a-enter', 'A', 'zone_enter', T0),
    ev('a-intr', 'A', 'intrusion', T0 + 5 * S, { endTime: T0 + 40 * S, data: { seconds: 5, box: [10, 20, 30, 60] }, snapshotPath: 'snapshots/a-intr.jpg' }),
    ev('a-exit', 'A', 'zone_exit', T0 + 40 * S, { data: { seconds: 40 } }),
    // Camera A, track 2: crosses the gate: one detection.
    ev('a-cross', 'A', 'line_crossing', T0 + 10 * S, { trackId: 2, rule: 'gate', direction: 'in' }),
    // Camera A: a crowd alarm, an item of its own.
    ev('a-crowd', 'A', 'crowd', T0 + 20 * S, { data: { count: 6 } }),
    // Camera B (the viewer may not see it): one detection.
    ev('b-enter', 'B', 'zone_enter', T0 + 15 * S),
  ]);
}

test('GET /api/review folds the events of a track into items, newest first, with filters and camera scoping', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  await seed(h);
  const admin = await h.login('admin');
  const viewer = await h.login('viewer');
  const get = async (creds: typeof admin, query: string): Promise<Page> => {
    const res = await h.app.inject({ url: `/api/review${query}`, headers: h.headers(creds) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Page>();
  };

  const all = await get(admin, '');
  assert.deepEqual(
    all.items.map((i) => [i.id, i.severity, i.events.map((e) => e.id).join(' ')]),
    [
      ['a-crowd', 'alarm', 'a-crowd'],
      ['b-enter', 'detection', 'b-enter'],
      ['a-cross', 'detection', 'a-cross'],
      ['a-enter', 'alarm', 'a-enter a-intr a-exit'],
    ],
  );
  assert.equal(all.nextTo, null);
  const person = all.items.at(-1)!;
  assert.deepEqual([person.start, person.end, person.coverId, person.types, person.rules], [T0, T0 + 40 * S, 'a-intr', ['zone_enter', 'intrusion', 'zone_exit'], ['yard']]);

  assert.deepEqual((await get(admin, '?severity=alarm')).items.map((i) => i.id), ['a-crowd', 'a-enter']);
  assert.deepEqual((await get(admin, '?severity=detection&camera=A')).items.map((i) => i.id), ['a-cross']);
  assert.deepEqual((await get(viewer, '')).items.map((i) => i.id), ['a-crowd', 'a-cross', 'a-enter'], 'the viewer sees camera A only');
  assert.equal((await h.app.inject({ url: '/api/review?camera=B', headers: h.headers(viewer) })).statusCode, 404);
  for (const bad of ['?severity=loud', '?limit=0', '?limit=201', '?reviewed=yes', '?from=10&to=5', '?extra=1']) {
    assert.equal((await h.app.inject({ url: `/api/review${bad}`, headers: h.headers(admin) })).statusCode, 400, bad);
  }
  assert.ok(h.audit.list({ action: 'search' }).some((e) => e.actor === 'viewer' && e.details['review'] === true));
});

test('pages are cut between whole items, and an item across a page bound is shown whole once', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  const admin = await h.login('admin');
  // Track 1 is active from T0 to T0+100 s (events every 20 s); tracks 2..4 each cross once in between.
  await h.store.appendEvents([
    ...[0, 20, 40, 60, 80, 100].map((s) => ev(`t1-${s}`, 'A', 'line_crossing', T0 + s * S, { rule: 'gate', direction: 'in' })),
    ...[2, 3, 4].map((n) => ev(`t${n}`, 'A', 'zone_enter', T0 + (n * 10 + 5) * S, { trackId: n })),
  ]);
  const seen: string[][] = [];
  let to: number | null = T0 + 3_600_000;
  for (let pages = 0; to !== null && pages < 10; pages++) {
    const res: { statusCode: number; body: string; json<T>(): T } = await h.app.inject({ url: `/api/review?limit=2&to=${to}`, headers: h.headers(admin) });
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json<Page>();
    seen.push(...page.items.map((i) => i.events.map((e) => e.id)));
    to = page.nextTo;
  }
  assert.equal(to, null, 'the last page says so');
  assert.deepEqual(seen, [['t4'], ['t3'], ['t2'], ['t1-0', 't1-20', 't1-40', 't1-60', 't1-80', 't1-100']]);
});

test('POST /api/review/reviewed marks items per user, in bulk, undoes, audits, and keeps to visible cameras', async (t) => {
  const h = await createHarness();
  t.after(() => h.close());
  await seed(h);
  const admin = await h.login('admin');
  const viewer = await h.login('viewer');
  const mark = (creds: typeof admin, eventIds: string[], reviewed: boolean) => h.app.inject({ method: 'POST', url: '/api/review/reviewed', headers: h.headers(creds), payload: { eventIds, reviewed } });
  const ids = async (creds: typeof admin, query: string): Promise<string[]> => (await h.app.inject({ url: `/api/review${query}`, headers: h.headers(creds) })).json<Page>().items.map((i) => i.id);

  // One item, then two in bulk.
  let res = await mark(viewer, ['a-enter', 'a-intr', 'a-exit'], true);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { changed: 3 });
  assert.deepEqual(await ids(viewer, '?reviewed=true'), ['a-enter']);
  assert.deepEqual(await ids(viewer, '?reviewed=false'), ['a-crowd', 'a-cross']);
  assert.deepEqual(await ids(admin, '?reviewed=true'), [], 'marks are per user');
  res = await mark(viewer, ['a-crowd', 'a-cross', 'a-crowd'], true);
  assert.deepEqual(res.json(), { changed: 2 });
  assert.deepEqual(await ids(viewer, '?reviewed=false'), []);
  // Part of an item marked: not reviewed, with the marked events said.
  assert.deepEqual((await mark(viewer, ['a-exit'], false)).json(), { changed: 1 });
  const page = (await h.app.inject({ url: '/api/review?severity=alarm', headers: h.headers(viewer) })).json<Page>();
  const person = page.items.find((i) => i.id === 'a-enter')!;
  assert.deepEqual([person.reviewed, person.reviewedEventIds], [false, ['a-enter', 'a-intr']]);
  const entry = h.audit.list({ action: 'review_mark' }).find((e) => e.actor === 'viewer' && e.details['reviewed'] === false);
  assert.deepEqual(entry?.details, { events: 1, reviewed: false, changed: 1 });
  assert.equal(entry?.target, 'A');

  // A camera the caller may not see, an unknown event, a bad body, no CSRF token: refused, nothing written.
  assert.equal((await mark(viewer, ['a-cross', 'b-enter'], false)).statusCode, 404);
  assert.equal((await mark(viewer, ['nope'], true)).statusCode, 404);
  assert.deepEqual(await ids(viewer, '?reviewed=true'), ['a-crowd', 'a-cross'], 'the refused request changed nothing');
  for (const payload of [{ eventIds: [], reviewed: true }, { eventIds: ['a-cross'] }, { eventIds: ['a-cross'], reviewed: 'yes' }, { eventIds: Array.from({ length: 1001 }, (_, i) => `e${i}`), reviewed: true }]) {
    assert.equal((await h.app.inject({ method: 'POST', url: '/api/review/reviewed', headers: h.headers(viewer), payload })).statusCode, 400, JSON.stringify(payload).slice(0, 80));
  }
  assert.equal((await h.app.inject({ method: 'POST', url: '/api/review/reviewed', headers: h.headers(viewer, false), payload: { eventIds: ['a-cross'], reviewed: false } })).statusCode, 403);

  // A new event of a reviewed item makes it unreviewed again; marks go with their events.
  await h.store.appendEvents([ev('a-cross-2', 'A', 'line_crossing', T0 + 30 * S, { trackId: 2, rule: 'gate', direction: 'out' })]);
  assert.deepEqual(await ids(viewer, '?reviewed=false'), ['a-cross', 'a-enter']);
  await h.store.deleteEventsBefore(T0 + 3_600_000);
  assert.deepEqual(h.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM review_marks').get(), { n: 0 });
});
