/** The live overlay's choice of boxes for the picture on screen, by stream time. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addTracks, KEEP_SECONDS, pace, tracksAt, type OverlayTrack, type TimedTracks } from '../web/src/components/track-timeline.ts';

const person = (id: number, x: number, observed = true): OverlayTrack => ({ id, class: 'person', box: [x, 100, 40, 120], observed });
const at = (streamTime: number, ...tracks: OverlayTrack[]): TimedTracks => ({ streamTime, tracks });

describe('tracksAt', () => {
  // Analysed at 5 fps: frames at 10.0 and 10.2 s; person 1 walks from x=100 to x=120, person 2 leaves, person 3 arrives.
  const history = [at(10.0, person(1, 100), person(2, 300)), at(10.2, person(1, 120), person(3, 500))];
  const cases: { name: string; t: number; want: OverlayTrack[] }[] = [
    { name: 'on an analysed frame: its boxes', t: 10.0, want: [person(1, 100), person(2, 300)] },
    { name: 'a quarter of the way: moved a quarter, the leaving one still shown', t: 10.05, want: [person(1, 105), person(2, 300)] },
    { name: 'three quarters of the way: the arriving one shown, the leaving one gone', t: 10.15, want: [person(1, 115), person(3, 500)] },
    { name: 'after the newest frame: its boxes, held', t: 10.6, want: [person(1, 120), person(3, 500)] },
    { name: 'more than a second after the newest frame: nothing', t: 11.3, want: [] },
    { name: 'shortly before the first frame: its boxes', t: 9.9, want: [person(1, 100), person(2, 300)] },
    { name: 'long before the first frame: nothing', t: 5, want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = tracksAt(history, c.t).map((tr) => ({ ...tr, box: tr.box.map((v: number) => Math.round(v * 1000) / 1000) }));
      assert.deepEqual(got, c.want);
    });
  }
  test('frames more than a second apart are not interpolated: the earlier is held', () => {
    assert.deepEqual(tracksAt([at(10, person(1, 100)), at(12, person(1, 300))], 10.5), [person(1, 100)]);
  });
  test('no history: nothing', () => assert.deepEqual(tracksAt([], 10), []));
});

describe('addTracks', () => {
  test('keeps the last KEEP_SECONDS of stream time', () => {
    let h: TimedTracks[] = [];
    for (let i = 0; i <= 100; i++) h = addTracks(h, at(i * 0.2));
    assert.equal(h.at(-1)!.streamTime, 20);
    assert.ok(h[0]!.streamTime >= 20 - KEEP_SECONDS - 1e-9 && h[0]!.streamTime < 20 - KEEP_SECONDS + 0.2 + 1e-9);
  });
  test('a frame from an earlier stream time starts a new history (the camera restarted)', () => {
    assert.deepEqual(addTracks([at(5), at(6)], at(1)), [at(1)]);
  });
});

describe('pace: the video is held just behind the newest analysed frame', () => {
  const cases: { name: string; shown: number; newest: number | null; rate: number; want: number }[] = [
    { name: 'ahead of the analysis: slower', shown: 10.3, newest: 10.0, rate: 1, want: 0.75 },
    { name: 'just behind: normal speed', shown: 9.9, newest: 10.0, rate: 1, want: 1 },
    { name: 'slowing and not yet a little behind: still slower', shown: 9.96, newest: 10.0, rate: 0.75, want: 0.75 },
    { name: 'far behind: faster', shown: 9.5, newest: 10.0, rate: 1, want: 1.25 },
    { name: 'hurrying and still well behind: still faster', shown: 9.7, newest: 10.0, rate: 1.25, want: 1.25 },
    { name: 'hurrying and near: normal speed', shown: 9.9, newest: 10.0, rate: 1.25, want: 1 },
    { name: 'no analysis yet: normal speed', shown: 10, newest: null, rate: 0.75, want: 1 },
    { name: 'the analysis stalled: normal speed', shown: 13, newest: 10.0, rate: 0.75, want: 1 },
  ];
  for (const c of cases) test(c.name, () => assert.equal(pace(c.shown, c.newest, c.rate), c.want));
});
