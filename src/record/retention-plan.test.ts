import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRetention, type EventKeep, type RetentionDeletion, type RetentionInput, type RetentionReason, type RetentionSegment, type RetentionSnapshot } from './retention-plan.ts';

const S = 1000;
const NOW = 1_700_000_000_000;

/** Contiguous 10-s segments of 100 bytes for camera `cam`, the last one ending `endsAgo` ms before NOW. */
function run(cam: string, count: number, firstId: number, endsAgo = 0): RetentionSegment[] {
  return Array.from({ length: count }, (_, i) => {
    const endTime = NOW - endsAgo - (count - 1 - i) * 10 * S;
    return { id: firstId + i, cameraId: cam, startTime: endTime - 10 * S, endTime, bytes: 100 };
  });
}

/** A snapshot of `bytes` bytes for camera `cam`, written `agoS` seconds before NOW; its path is `<cam>@<agoS>`. */
const snap = (cam: string, agoS: number, bytes = 100): RetentionSnapshot => ({ path: `${cam}@${agoS}`, cameraId: cam, time: NOW - agoS * S, bytes });

/** A segment by its id, a snapshot by its path. */
const keyOf = (d: RetentionDeletion): number | string => (d.kind === 'segment' ? d.id : d.path);

const base: RetentionInput = { segments: [], snapshots: [], now: NOW, maxAgeMs: Infinity, quotaBytes: Infinity, bytesToFree: 0, keep: new Map() };
const events = (preRollS: number, postRollS: number, spans: Array<[number, number | null]>): EventKeep => ({
  preRollMs: preRollS * S,
  postRollMs: postRollS * S,
  events: spans.map(([start, end]) => ({ start: NOW - start * S, end: end === null ? null : NOW - end * S })),
});

const cases: Array<{ name: string; input: Partial<RetentionInput>; expected: Array<[number | string, RetentionReason]> }> = [
  { name: 'nothing to do', input: { segments: run('a', 5, 1) }, expected: [] },
  { name: 'empty index', input: { quotaBytes: 0, bytesToFree: 1000 }, expected: [] },
  {
    name: 'age: segments that ended at least maxAge ago, oldest first',
    // ends: -40 s, -30 s, -20 s, -10 s, 0
    input: { segments: run('a', 5, 1), maxAgeMs: 30 * S },
    expected: [[1, 'age'], [2, 'age']],
  },
  {
    name: 'quota: oldest first until the total is at most the quota',
    input: { segments: run('a', 5, 1), quotaBytes: 250 },
    expected: [[1, 'quota'], [2, 'quota'], [3, 'quota']],
  },
  {
    name: 'quota exactly met deletes nothing',
    input: { segments: run('a', 5, 1), quotaBytes: 500 },
    expected: [],
  },
  {
    name: 'aged segments count towards the quota',
    input: { segments: run('a', 5, 1), maxAgeMs: 35 * S, quotaBytes: 300 },
    expected: [[1, 'age'], [2, 'quota']],
  },
  {
    name: 'disk shortfall: oldest first until enough is freed, after age and quota',
    input: { segments: run('a', 5, 1), maxAgeMs: 35 * S, bytesToFree: 250 },
    expected: [[1, 'age'], [2, 'disk'], [3, 'disk']],
  },
  {
    name: 'quota and disk over two cameras interleave by start time',
    input: { segments: [...run('a', 3, 1), ...run('b', 3, 11, 5 * S)], quotaBytes: 400, bytesToFree: 300 },
    // b's segments end 5 s earlier, so each b segment is older than the a segment with the same rank
    expected: [[11, 'quota'], [1, 'quota'], [12, 'disk']],
  },
  {
    name: 'events mode: only segments near an event window are kept',
    // ends -90..0 s in 10 s steps (ids 1..10); one event from -55 s to -50 s, pre 5 s, post 10 s: window [-60, -40]
    input: { segments: run('a', 10, 1), keep: new Map([['a', events(5, 10, [[55, 50]])]]) },
    // id 5 spans [-60,-50], id 6 [-50,-40], id 7 [-40,-30] touches the window end; id 4 [-70,-60] touches its start.
    // id 10 ends now (less than pre-roll ago) and is kept for an event still to come.
    expected: [[1, 'not-near-event'], [2, 'not-near-event'], [3, 'not-near-event'], [8, 'not-near-event'], [9, 'not-near-event']],
  },
  {
    name: 'events mode: an open event keeps everything from its pre-roll on',
    input: { segments: run('a', 6, 1), keep: new Map([['a', events(5, 10, [[22, null]])]]) },
    // window [-27, now + 10]: ids 4 [-30,-20], 5, 6 are kept; id 3 [-40,-30] does not reach -27
    expected: [[1, 'not-near-event'], [2, 'not-near-event'], [3, 'not-near-event']],
  },
  {
    name: 'events mode: no events and no pre-roll deletes all but the newest',
    input: { segments: run('a', 3, 1), keep: new Map([['a', events(0, 0, [])]]) },
    // the newest ends exactly now, which is not more than 0 ms ago
    expected: [[1, 'not-near-event'], [2, 'not-near-event']],
  },
  {
    name: 'events mode applies only to the cameras in keep',
    input: { segments: [...run('a', 3, 1, 20 * S), ...run('b', 3, 11, 20 * S)], keep: new Map([['b', events(5, 5, [])]]) },
    expected: [[11, 'not-near-event'], [12, 'not-near-event'], [13, 'not-near-event']],
  },
  {
    name: 'events mode: windows that overlap are merged, events may come in any order',
    input: { segments: run('a', 8, 1), keep: new Map([['a', events(2, 2, [[25, 24], [44, 36], [38, 30]])]]) },
    // windows [-46, -34] and [-40, -28] merge into [-46, -28]; [-27, -22]
    // ids: 1 [-80,-70] 2 [-70,-60] 3 [-60,-50] 4 [-50,-40] 5 [-40,-30] 6 [-30,-20] 7 [-20,-10] 8 [-10,0]
    expected: [[1, 'not-near-event'], [2, 'not-near-event'], [3, 'not-near-event'], [7, 'not-near-event']],
  },
  {
    name: 'age wins over not-near-event, and both count towards the quota',
    input: { segments: run('a', 4, 1), maxAgeMs: 15 * S, quotaBytes: 100, keep: new Map([['a', events(1, 1, [[5, 5]])]]) },
    // ids 1 [-40,-30] 2 [-30,-20] 3 [-20,-10] 4 [-10,0]; window [-6, -4]
    expected: [[1, 'age'], [2, 'age'], [3, 'not-near-event']],
  },
  {
    name: 'the order of the input does not matter',
    input: { segments: run('a', 4, 1).reverse(), quotaBytes: 200 },
    expected: [[1, 'quota'], [2, 'quota']],
  },
  {
    name: 'snapshots: those written at least maxAge ago are deleted, as segments are',
    // segments [-50,-40] .. [-10,0] (ids 1..5); snapshots written -45, -30 (exactly maxAge ago) and -5 s
    input: { segments: run('a', 5, 1), snapshots: [snap('a', 5), snap('a', 45), snap('a', 30)], maxAgeMs: 30 * S },
    expected: [[1, 'age'], ['a@45', 'age'], [2, 'age'], ['a@30', 'age']],
  },
  {
    name: 'snapshots: the quota counts segments and snapshots together, oldest of either first',
    // segments [-50,-40] .. [-10,0] (ids 1..5, 100 B each); snapshots at -55, -35, -15 s of 100 B: 800 B in all
    input: { segments: run('a', 5, 1), snapshots: [snap('a', 35), snap('a', 55), snap('a', 15)], quotaBytes: 350 },
    expected: [['a@55', 'quota'], [1, 'quota'], [2, 'quota'], ['a@35', 'quota'], [3, 'quota']],
  },
  {
    name: 'snapshots: of other cameras interleave too, and snapshots alone can fill the quota',
    input: { segments: run('a', 2, 1), snapshots: [snap('b', 100, 500), snap('c', 90, 500), snap('b', 5, 500)], quotaBytes: 1000 },
    expected: [['b@100', 'quota'], ['c@90', 'quota']],
  },
  {
    name: 'snapshots: the disk shortfall frees the oldest of either kind, after age and quota',
    input: { segments: run('a', 4, 1), snapshots: [snap('a', 45, 50), snap('a', 25, 50)], maxAgeMs: 45 * S, quotaBytes: 400, bytesToFree: 300 },
    // ids 1 [-40,-30] 2 [-30,-20] 3 [-20,-10] 4 [-10,0]: 500 B in all; the aged snapshot frees 50, id 1 brings the total to 350
    expected: [['a@45', 'age'], [1, 'quota'], [2, 'disk'], ['a@25', 'disk']],
  },
  {
    name: 'snapshots: a snapshot written when a segment starts goes after that segment',
    input: { segments: run('a', 2, 1), snapshots: [snap('a', 20), snap('a', 10)], quotaBytes: 200 },
    // ids 1 [-20,-10] 2 [-10,0]
    expected: [[1, 'quota'], ['a@20', 'quota']],
  },
  {
    name: 'snapshots: events mode never deletes a snapshot for being far from events',
    input: { segments: run('a', 3, 1), snapshots: [snap('a', 100), snap('a', 25)], keep: new Map([['a', events(0, 0, [])]]) },
    expected: [[1, 'not-near-event'], [2, 'not-near-event']],
  },
  {
    name: 'snapshots: a segment deleted far from events counts towards the quota of both',
    input: { segments: run('a', 3, 1), snapshots: [snap('a', 40), snap('a', 5)], quotaBytes: 300, keep: new Map([['a', events(0, 0, [[12, 12]])]]) },
    // ids 1 [-30,-20] 2 [-20,-10] 3 [-10,0]; window [-12,-12] keeps id 2; id 1 goes (100 B of 500), the oldest snapshot brings it to 300
    expected: [['a@40', 'quota'], [1, 'not-near-event']],
  },
];

for (const c of cases) {
  test(`planRetention: ${c.name}`, () => {
    const plan = planRetention({ ...base, ...c.input });
    assert.deepEqual(plan.map((d) => [keyOf(d), d.reason]), c.expected);
    const items = new Map<number | string, { cameraId: string; bytes: number }>([...(c.input.segments ?? []).map((s) => [s.id, s] as const), ...(c.input.snapshots ?? []).map((s) => [s.path, s] as const)]);
    for (const d of plan) assert.deepEqual([d.cameraId, d.bytes], [items.get(keyOf(d))?.cameraId, items.get(keyOf(d))?.bytes]);
  });
}

test('planRetention: the total left is under the quota whatever the sizes', () => {
  const segments = [300, 50, 900, 10, 400, 70].map((bytes, i) => ({ id: i + 1, cameraId: 'a', startTime: NOW - (10 - i) * 10 * S, endTime: NOW - (9 - i) * 10 * S, bytes }));
  for (const quota of [0, 1, 100, 500, 1000, 1730, 5000]) {
    const plan = planRetention({ ...base, segments, quotaBytes: quota });
    const deleted = new Set(plan.map(keyOf));
    const left = segments.filter((s) => !deleted.has(s.id)).reduce((n, s) => n + s.bytes, 0);
    assert.ok(left <= quota, `quota ${quota}: ${left} left`);
    // oldest first: what is deleted is a prefix of the segments
    assert.deepEqual([...deleted], segments.slice(0, deleted.size).map((s) => s.id));
  }
});

test('planRetention: segments and snapshots together stay under the quota whatever the sizes, the oldest of either deleted first', () => {
  const sizes = [300, 50, 900, 10, 400, 70, 120, 5];
  // Alternately a 10-s segment and a snapshot written 5 s after that segment's start.
  const segments: RetentionSegment[] = [];
  const snapshots: RetentionSnapshot[] = [];
  const order: Array<number | string> = [];
  for (const [i, bytes] of sizes.entries()) {
    const startTime = NOW - (20 - i) * 10 * S;
    if (i % 2 === 0) segments.push({ id: i + 1, cameraId: 'a', startTime, endTime: startTime + 10 * S, bytes });
    else snapshots.push({ path: `s${i}`, cameraId: 'a', time: startTime, bytes });
    order.push(i % 2 === 0 ? i + 1 : `s${i}`);
  }
  const bytesOf = new Map<number | string, number>(sizes.map((b, i) => [order[i]!, b]));
  for (const quota of [0, 1, 100, 500, 1000, 1730, 5000]) {
    for (const bytesToFree of [0, 60, 1000]) {
      const plan = planRetention({ ...base, segments, snapshots, quotaBytes: quota, bytesToFree });
      const deleted = plan.map(keyOf);
      const freed = deleted.reduce((n: number, k) => n + bytesOf.get(k)!, 0);
      const total = sizes.reduce((n, b) => n + b, 0);
      assert.ok(total - freed <= quota, `quota ${quota}: ${total - freed} left`);
      assert.ok(freed >= Math.min(bytesToFree, total), `bytesToFree ${bytesToFree}: ${freed} freed`);
      assert.deepEqual(deleted, order.slice(0, deleted.length), 'oldest first: a prefix of both kinds in time order');
    }
  }
});

test('planRetention: with only the oldest end listed, quota and disk stop at the horizon and count the bytes not listed', () => {
  const ids = (ds: readonly RetentionDeletion[]): (number | string)[] => ds.map((d) => (d.kind === 'segment' ? d.id : d.path));
  const seg = (id: number, start: number): RetentionSegment => ({ id, cameraId: 'a', startTime: NOW - start * 1000, endTime: NOW - start * 1000 + 10_000, bytes: 100 });
  // Five listed segments (the oldest), 1,000 bytes beyond the horizon: 1,500 in all against a quota of 1,200.
  const input: RetentionInput = { ...base, segments: [50, 40, 30, 20, 10].map((s, i) => seg(i + 1, s)), quotaBytes: 1200, horizon: NOW - 15_000, unlistedBytes: 1000 };
  assert.deepEqual(ids(planRetention(input)), [1, 2, 3]);
  assert.ok(planRetention(input).every((d) => d.reason === 'quota'));
  // Over by more than the listed part holds: only what starts before the horizon goes, the next run reads on.
  assert.deepEqual(ids(planRetention({ ...input, quotaBytes: 0 })), [1, 2, 3, 4]);
  assert.deepEqual(ids(planRetention({ ...input, bytesToFree: 10_000 })), [1, 2, 3, 4]);
});
