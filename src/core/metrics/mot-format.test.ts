import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignFrames, evaluableGroundTruth, formatMot, parseMot, sequenceFromTracks, type MotParseErrorCode, type MotSequence } from './mot-format.ts';

function parsed(text: string): MotSequence {
  const result = parseMot(text);
  if (!result.ok) assert.fail(result.error.message);
  return result.value;
}

test('parses rows, groups them by ascending frame and keeps file order within a frame', () => {
  const seq = parsed('2,5,10,20,30,40,1,-1,-1,-1\r\n\n1,3,1.5,2.5,3,4,0.9\n   \n2,4,0,0,1,1,-1,7,0.5,-1,99,\n');
  assert.equal(seq.boxCount, 3);
  assert.deepEqual(seq.frames.map((f) => f.frame), [1, 2]);
  assert.deepEqual(seq.frames[1]!.boxes.map((b) => b.id), [5, 4]);
  const first = seq.frames[0]!.boxes[0]!;
  assert.deepEqual(first, { frame: 1, id: 3, box: { x: 1.5, y: 2.5, w: 3, h: 4 }, conf: 0.9, extra: [], line: 3 });
  assert.deepEqual(seq.frames[1]!.boxes[1]!.extra, [7, 0.5, -1, 99]);
});

test('accepts whitespace-separated fields and empty text', () => {
  assert.equal(parsed('1 2 3 4 5 6 1\n1\t3\t3\t4\t5\t6\t1').boxCount, 2);
  assert.deepEqual(parsed(''), { frames: [], boxCount: 0 });
  assert.deepEqual(parsed('\n\n'), { frames: [], boxCount: 0 });
});

const malformed: readonly [string, string, MotParseErrorCode, number, RegExp][] = [
  ['too few fields', '1,1,0,0,10,10,1\n2,1,0,0,10', 'too-few-fields', 2, /at least 7 fields/],
  ['not a number', '1,1,0,abc,10,10,1', 'not-a-number', 1, /y is not a number: "abc"/],
  ['empty field', '1,1,,0,10,10,1', 'not-a-number', 1, /x is not a number/],
  ['non-numeric trailing field', '1,1,0,0,10,10,1,person', 'not-a-number', 1, /field 8/],
  ['frame 0', '0,1,0,0,10,10,1', 'bad-frame', 1, /frame must be an integer >= 1/],
  ['fractional frame', '\n1.5,1,0,0,10,10,1', 'bad-frame', 2, /found 1.5/],
  ['negative id', '1,-1,0,0,10,10,1', 'bad-id', 1, /id must be/],
  ['negative width', '1,1,0,0,-10,10,1', 'bad-size', 1, /width and height/],
  ['id twice in a frame', '1,1,0,0,10,10,1\n2,1,0,0,10,10,1\n1,1,5,5,10,10,1', 'duplicate-id', 3, /id 1 appears twice in frame 1 \(first on line 1\)/],
];

for (const [name, text, code, line, message] of malformed) {
  test(`reports ${name} with its line instead of throwing`, () => {
    const result = parseMot(text);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.error.code, code);
    assert.equal(result.error.line, line);
    assert.match(result.error.message, new RegExp(`^line ${line}: `));
    assert.match(result.error.message, message);
  });
}

test('evaluable ground truth drops rows marked 0, as TrackEval (0.5 truncates to 0) does', () => {
  const gt = parsed('1,1,0,0,1,1,1\n1,2,0,0,1,1,0\n1,3,0,0,1,1,-1\n2,4,0,0,1,1,0.5\n3,5,0,0,1,1,0');
  const kept = evaluableGroundTruth(gt);
  assert.deepEqual(kept.frames.map((f) => [f.frame, f.boxes.map((b) => b.id)]), [[1, [1, 3]]]);
  assert.equal(kept.boxCount, 2);
});

test('formats tracks as MOTChallenge lines with at most two decimals', () => {
  const text = formatMot([
    { frame: 1, tracks: [{ id: 3, box: { x: 10.123, y: 20.006, w: 30, h: 40.5 }, score: 0.876 }] },
    { frame: 2, tracks: [{ id: 3, box: { x: -0.001, y: 0, w: 1e-3, h: 2 }, score: 1 }, { id: 4, box: { x: 1, y: 2, w: 3, h: 4 }, score: 0.5 }] },
  ]);
  assert.equal(text, '1,3,10.12,20.01,30,40.5,0.88,-1,-1,-1\n2,3,0,0,0,2,1,-1,-1,-1\n2,4,1,2,3,4,0.5,-1,-1,-1\n');
  assert.equal(formatMot([]), '');
  assert.equal(formatMot([{ frame: 1, tracks: [] }]), '');
});

test('formatted tracks parse back to the same boxes', () => {
  const frames = [{ frame: 7, tracks: [{ id: 1, box: { x: 1.25, y: 2.5, w: 30.75, h: 40 }, score: 0.25 }] }];
  const seq = parsed(formatMot(frames));
  assert.deepEqual(seq.frames[0]!.boxes[0]!.box, frames[0]!.tracks[0]!.box);
  assert.equal(seq.frames[0]!.boxes[0]!.conf, 0.25);
  assert.deepEqual(seq.frames[0]!.boxes[0]!.extra, [-1, -1, -1]);
});

test('builds a sequence from in-memory tracks and rejects an id twice in a frame', () => {
  const box = { x: 0, y: 0, w: 1, h: 1 };
  const seq = sequenceFromTracks([{ frame: 2, tracks: [{ id: 1, box, score: 0.9 }] }, { frame: 1, tracks: [{ id: 1, box, score: 0.8 }] }]);
  assert.deepEqual(seq.frames.map((f) => f.frame), [1, 2]);
  assert.throws(() => sequenceFromTracks([{ frame: 1, tracks: [{ id: 1, box, score: 1 }, { id: 1, box, score: 1 }] }]), RangeError);
});

test('aligns the union of frames and computes IoUs ground truth × tracker', () => {
  const gt = parsed('1,1,0,0,10,10,1\n3,1,0,0,10,10,1\n3,2,20,0,10,10,1');
  const tr = parsed('2,9,0,0,10,10,1\n3,9,0,0,10,5,1');
  const frames = alignFrames(gt, tr);
  assert.deepEqual(frames.map((f) => [f.frame, f.gt.length, f.tracks.length]), [[1, 1, 0], [2, 0, 1], [3, 2, 1]]);
  assert.deepEqual([...frames[2]!.ious], [0.5, 0]);
});
