import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxOf, EPISODE_GAP_MS, groupReviewItems, isItemReviewed, itemDuration, type ReviewEventInput } from './review-items.ts';

// 2026-12-04 09:00 UTC, epoch ms.
const T = 1_796_374_800_000;
const S = 1000;

function ev(id: string, type: string, at: number, more: Partial<ReviewEventInput> = {}): ReviewEventInput {
  const duration = type === 'intrusion' || type === 'loitering' || type === 'crowd';
  return { id, cameraId: 'A', type, rule: 'yard', trackId: type === 'crowd' ? null : 1, class: 'person', startTime: T + at, endTime: duration ? null : T + at, data: {}, snapshotPath: `snapshots/${id}.jpg`, ...more };
}

/** An item as the table writes it: its event ids (oldest first), severity, and end relative to T (null: open). */
type Want = [ids: string, severity: 'alarm' | 'detection', end: number | null];

test('groupReviewItems: table', async (t) => {
  const cases: { name: string; events: ReviewEventInput[]; want: Want[] }[] = [
    { name: 'nothing', events: [], want: [] },
    {
      name: 'a person entering, crossing and leaving is one detection',
      events: [ev('enter', 'zone_enter', 0), ev('cross', 'line_crossing', 10 * S, { rule: 'gate' }), ev('exit', 'zone_exit', 20 * S, { data: { seconds: 20 } })],
      want: [['enter cross exit', 'detection', 20 * S]],
    },
    {
      name: 'the events come in any order',
      events: [ev('exit', 'zone_exit', 20 * S), ev('enter', 'zone_enter', 0), ev('cross', 'line_crossing', 10 * S)],
      want: [['enter cross exit', 'detection', 20 * S]],
    },
    {
      name: 'an intrusion of the track folds its entrance and exit into one alarm',
      events: [ev('enter', 'zone_enter', 0), ev('intr', 'intrusion', 5 * S, { endTime: T + 200 * S, data: { seconds: 5 } }), ev('exit', 'zone_exit', 200 * S, { data: { seconds: 200 } })],
      want: [['enter intr exit', 'alarm', 200 * S]],
    },
    {
      name: 'an open alarm keeps the item open, and later events of the track join it',
      events: [ev('enter', 'zone_enter', 0), ev('loit', 'loitering', 30 * S, { data: { seconds: 30 } }), ev('cross', 'line_crossing', 600 * S)],
      want: [['enter loit cross', 'alarm', null]],
    },
    {
      name: 'a long stay in a zone (exit long after entrance) is one episode through the dwell of its exit',
      events: [ev('enter', 'zone_enter', 0), ev('exit', 'zone_exit', 300 * S, { data: { seconds: 300 } })],
      want: [['enter exit', 'detection', 300 * S]],
    },
    {
      name: 'a pause longer than the gap starts a new item (a track id used again later)',
      events: [ev('a', 'zone_enter', 0), ev('b', 'zone_enter', EPISODE_GAP_MS + 1)],
      want: [['b', 'detection', EPISODE_GAP_MS + 1], ['a', 'detection', 0]],
    },
    {
      name: 'a pause of exactly the gap stays in the item',
      events: [ev('a', 'zone_enter', 0), ev('b', 'zone_enter', EPISODE_GAP_MS)],
      want: [['a b', 'detection', EPISODE_GAP_MS]],
    },
    {
      name: 'other tracks and other cameras are other items, newest first',
      events: [ev('t1', 'zone_enter', 0), ev('t2', 'zone_enter', 2 * S, { trackId: 2 }), ev('b1', 'zone_enter', S, { cameraId: 'B' })],
      want: [['t2', 'detection', 2 * S], ['b1', 'detection', S], ['t1', 'detection', 0]],
    },
    {
      name: 'a crowd alarm (no track) is an item of its own',
      events: [ev('enter', 'zone_enter', 0), ev('crowd', 'crowd', S, { data: { count: 7 } }), ev('crowd2', 'crowd', 2 * S, { endTime: T + 9 * S })],
      want: [['crowd2', 'alarm', 9 * S], ['crowd', 'alarm', null], ['enter', 'detection', 0]],
    },
    {
      name: 'a repeated id counts once, the last copy winning (an end replaces the start)',
      events: [ev('intr', 'intrusion', 0), ev('intr', 'intrusion', 0, { endTime: T + 30 * S })],
      want: [['intr', 'alarm', 30 * S]],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = groupReviewItems(c.events).map((i): Want => [i.events.map((e) => e.id).join(' '), i.severity, i.end === null ? null : i.end - T]);
      assert.deepEqual(got, c.want);
    });
  }
});

test('an item names its rules and types once, starts with its first event and shows its first alarm', () => {
  const [item] = groupReviewItems([ev('enter', 'zone_enter', 0), ev('cross', 'line_crossing', S, { rule: 'gate', snapshotPath: null }), ev('intr', 'intrusion', 2 * S, { endTime: T + 9 * S }), ev('enter2', 'zone_enter', 3 * S)]);
  assert.ok(item);
  assert.equal(item.id, 'enter');
  assert.equal(item.start, T);
  assert.deepEqual(item.rules, ['yard', 'gate']);
  assert.deepEqual(item.types, ['zone_enter', 'line_crossing', 'intrusion']);
  assert.equal(item.cover.id, 'intr');
  assert.equal(itemDuration(item), 9 * S);
  const [noSnapshot] = groupReviewItems([ev('a', 'zone_enter', 0, { snapshotPath: null }), ev('b', 'zone_exit', S)]);
  assert.equal(noSnapshot?.cover.id, 'b', 'the first event with a snapshot');
});

test('an item is reviewed when every one of its events is', () => {
  const [item] = groupReviewItems([ev('a', 'zone_enter', 0), ev('b', 'zone_exit', S)]);
  assert.ok(item);
  assert.equal(isItemReviewed(item, new Set(['a', 'b'])), true);
  assert.equal(isItemReviewed(item, new Set(['a'])), false, 'an event that joined since is not reviewed yet');
  assert.equal(itemDuration({ start: 0, end: null }), null);
});

test('boxOf reads a box of four numbers with a size, and nothing else', () => {
  const cases: [unknown, readonly number[] | null][] = [
    [[284.84, 10, 40.5, 90], [284.84, 10, 40.5, 90]],
    [[1, 2, 0, 4], null],
    [[1, 2, 3], null],
    [['1', 2, 3, 4], null],
    [undefined, null],
  ];
  for (const [box, want] of cases) assert.deepEqual(boxOf({ data: box === undefined ? {} : { box } }), want);
});
