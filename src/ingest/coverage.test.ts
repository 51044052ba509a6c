import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageProblem, inputCoverage, type AnalysedPart, type ContainerClaim, type InputCoverage } from './coverage.ts';

/** 300 frames at 10 fps, 30 s: the demo clip's header. */
const DEMO: ContainerClaim = { seconds: 30, frames: 300, fps: 10 };

/** `n` frames analysed at `fps`, the last at `(n - 1) / fps` s. */
const frames = (n: number, fps = 10, extra: Partial<AnalysedPart> = {}): AnalysedPart => ({ frames: n, lastTime: n > 0 ? (n - 1) / fps : 0, fps, ...extra });

describe('inputCoverage', () => {
  const rows: readonly {
    readonly name: string;
    readonly claim: ContainerClaim;
    readonly analysed: AnalysedPart;
    readonly want: Pick<InputCoverage, 'claimedSeconds' | 'analysedSeconds' | 'claimedFrames' | 'analysedFrames' | 'complete'>;
  }[] = [
    { name: 'every frame of the claim', claim: DEMO, analysed: frames(300), want: { claimedSeconds: 30, analysedSeconds: 30, claimedFrames: 300, analysedFrames: 300, complete: true } },
    { name: 'truncated to the first 20 frames', claim: DEMO, analysed: frames(20), want: { claimedSeconds: 30, analysedSeconds: 2, claimedFrames: 300, analysedFrames: 20, complete: false } },
    { name: '3 frames short: within 1% of 300', claim: DEMO, analysed: frames(297), want: { claimedSeconds: 30, analysedSeconds: 29.7, claimedFrames: 300, analysedFrames: 297, complete: true } },
    { name: '4 frames short: past 1% of 300', claim: DEMO, analysed: frames(296), want: { claimedSeconds: 30, analysedSeconds: 29.6, claimedFrames: 300, analysedFrames: 296, complete: false } },
    { name: '2 frames short of a short clip: within 2 frames', claim: { seconds: 4, frames: 40, fps: 10 }, analysed: frames(38), want: { claimedSeconds: 4, analysedSeconds: 3.8, claimedFrames: 40, analysedFrames: 38, complete: true } },
    { name: '3 frames short of a short clip: past 2 frames', claim: { seconds: 4, frames: 40, fps: 10 }, analysed: frames(37), want: { claimedSeconds: 4, analysedSeconds: 3.7, claimedFrames: 40, analysedFrames: 37, complete: false } },
    { name: 'more frames than claimed', claim: DEMO, analysed: frames(310), want: { claimedSeconds: 30, analysedSeconds: 31, claimedFrames: 300, analysedFrames: 310, complete: true } },
    { name: '--fps 5 over the whole clip: claim at the analysed rate', claim: DEMO, analysed: frames(150, 5), want: { claimedSeconds: 30, analysedSeconds: 30, claimedFrames: 150, analysedFrames: 150, complete: true } },
    { name: '--fps 5 over the first 2 s', claim: DEMO, analysed: frames(10, 5), want: { claimedSeconds: 30, analysedSeconds: 2, claimedFrames: 150, analysedFrames: 10, complete: false } },
    { name: 'all frames but a gap in time (frames lost mid-stream)', claim: DEMO, analysed: { frames: 300, lastTime: 40, fps: 10 }, want: { claimedSeconds: 30, analysedSeconds: 40.1, claimedFrames: 300, analysedFrames: 300, complete: true } },
    { name: 'the frames claimed but time short', claim: DEMO, analysed: { frames: 300, lastTime: 20, fps: 10 }, want: { claimedSeconds: 30, analysedSeconds: 20.1, claimedFrames: 300, analysedFrames: 300, complete: false } },
    { name: 'no frame count (Matroska): frames from the duration', claim: { seconds: 30, frames: null, fps: 10 }, analysed: frames(20), want: { claimedSeconds: 30, analysedSeconds: 2, claimedFrames: 300, analysedFrames: 20, complete: false } },
    { name: 'no duration: seconds from frames and rate', claim: { seconds: null, frames: 300, fps: 10 }, analysed: frames(300), want: { claimedSeconds: 30, analysedSeconds: 30, claimedFrames: 300, analysedFrames: 300, complete: true } },
    { name: 'no claim at all (a live stream): unknown', claim: { seconds: null, frames: null, fps: null }, analysed: frames(20), want: { claimedSeconds: null, analysedSeconds: 2, claimedFrames: null, analysedFrames: 20, complete: null } },
    { name: 'zero duration counts as no claim', claim: { seconds: 0, frames: 0, fps: 10 }, analysed: frames(20), want: { claimedSeconds: null, analysedSeconds: 2, claimedFrames: null, analysedFrames: 20, complete: null } },
    { name: 'nothing analysed', claim: DEMO, analysed: frames(0), want: { claimedSeconds: 30, analysedSeconds: 0, claimedFrames: 300, analysedFrames: 0, complete: false } },
  ];
  for (const r of rows) {
    test(r.name, () => {
      const c = inputCoverage(r.claim, r.analysed);
      assert.deepEqual(
        { claimedSeconds: c.claimedSeconds, analysedSeconds: c.analysedSeconds, claimedFrames: c.claimedFrames, analysedFrames: c.analysedFrames, complete: c.complete },
        r.want,
      );
    });
  }

  test('decode errors pass through, 0 and none by default', () => {
    assert.deepEqual([inputCoverage(DEMO, frames(300)).decodeErrors, inputCoverage(DEMO, frames(300)).lastDecodeErrors], [0, []]);
    const c = inputCoverage(DEMO, frames(300, 10, { decodeErrors: 3, lastDecodeErrors: ['a', 'b'] }));
    assert.deepEqual([c.decodeErrors, c.lastDecodeErrors], [3, ['a', 'b']]);
  });
});

describe('coverageProblem', () => {
  const rows: readonly { readonly name: string; readonly claim: ContainerClaim; readonly analysed: AnalysedPart; readonly want: string | null }[] = [
    { name: 'complete and clean: none', claim: DEMO, analysed: frames(300), want: null },
    { name: 'no claim and clean: none', claim: { seconds: null, frames: null, fps: null }, analysed: frames(20), want: null },
    {
      name: 'truncated',
      claim: DEMO,
      analysed: frames(20),
      want: 'input looks truncated or damaged: analysed 20 of 300 frames (2.0 of 30.0 s) the container claims; results cover only the analysed part',
    },
    {
      name: 'truncated, with decode errors: the count and the last line',
      claim: DEMO,
      analysed: frames(20, 10, { decodeErrors: 7, lastDecodeErrors: ['h264: Invalid NAL unit size', 'mov: partial file'] }),
      want: 'input looks truncated or damaged: analysed 20 of 300 frames (2.0 of 30.0 s) the container claims; results cover only the analysed part; ffmpeg reported 7 decode errors (last: mov: partial file)',
    },
    {
      name: 'short in time only, no frame count claimed',
      claim: { seconds: 30, frames: null, fps: null },
      analysed: frames(20),
      want: 'input looks truncated or damaged: analysed 20 of 300 frames (2.0 of 30.0 s) the container claims; results cover only the analysed part',
    },
    { name: 'complete but one decode error', claim: DEMO, analysed: frames(300, 10, { decodeErrors: 1 }), want: 'input looks damaged: ffmpeg reported 1 decode error; some frames may be missing or wrong' },
  ];
  for (const r of rows) {
    test(r.name, () => {
      assert.equal(coverageProblem(inputCoverage(r.claim, r.analysed)), r.want);
    });
  }
});
