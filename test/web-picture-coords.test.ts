/** The editor's one mapping between the displayed picture (CSS pixels) and source pixels, and the choice of the rules' pixel space. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { containRect, isSize, pageToSource, ruleSpace, sourceToPage, type Rect, type Size } from '../web/src/components/picture-coords.ts';

const PETS: Size = { width: 768, height: 576 };
/** What live.jpg is for PETS: the detector-sized frame (512x384), padding cut off. */
const DETECTOR: Size = { width: 512, height: 384 };

describe('containRect', () => {
  const cases: { name: string; box: Rect; picture: Size; want: Rect }[] = [
    { name: 'same aspect: the box itself', box: { left: 10, top: 20, width: 900, height: 675 }, picture: PETS, want: { left: 10, top: 20, width: 900, height: 675 } },
    { name: 'wider box: bars left and right', box: { left: 0, top: 0, width: 1000, height: 576 }, picture: PETS, want: { left: 116, top: 0, width: 768, height: 576 } },
    { name: 'taller box: bars top and bottom', box: { left: 5, top: 5, width: 640, height: 640 }, picture: { width: 1280, height: 720 }, want: { left: 5, top: 145, width: 640, height: 360 } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(containRect(c.box, c.picture), c.want));
});

describe('pageToSource and sourceToPage', () => {
  // The editor in the browser test: a 900 px wide picture at (40, 100) showing the PETS source.
  const shown: Rect = { left: 40, top: 100, width: 900, height: 675 };
  const at = (fx: number, fy: number): { x: number; y: number } => ({ x: shown.left + fx * shown.width, y: shown.top + fy * shown.height });
  const cases: { name: string; p: { x: number; y: number }; source: Size; want: [number, number] }[] = [
    { name: 'top-left corner', p: at(0, 0), source: PETS, want: [0, 0] },
    { name: 'bottom-right corner', p: at(1, 1), source: PETS, want: [768, 576] },
    { name: '25 %, 50 %', p: at(0.25, 0.5), source: PETS, want: [192, 288] },
    { name: '75 %, 50 %', p: at(0.75, 0.5), source: PETS, want: [576, 288] },
    { name: '50 %, 20 %: rounded to whole pixels', p: at(0.5, 0.2), source: PETS, want: [384, 115] },
    { name: 'outside the picture: kept on its edge', p: { x: shown.left - 30, y: shown.top + shown.height + 30 }, source: PETS, want: [0, 576] },
    { name: 'a 16:9 source shown small', p: at(0.5, 0.5), source: { width: 1920, height: 1080 }, want: [960, 540] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(pageToSource(c.p, shown, c.source), c.want));

  test('independent of the picture’s own pixel size: the detector-sized picture maps to source pixels, not to its own', () => {
    // The bug of issue 10: 75 % of the width became 384 (of 512) instead of 576 (of 768).
    assert.deepEqual(pageToSource(at(0.75, 0.5), shown, PETS), [576, 288]);
    assert.notDeepEqual(pageToSource(at(0.75, 0.5), shown, PETS), pageToSource(at(0.75, 0.5), shown, DETECTOR));
  });

  test('letterboxed display: the bars are outside the picture', () => {
    const box: Rect = { left: 0, top: 0, width: 1000, height: 576 };
    const pic = containRect(box, PETS);
    assert.deepEqual(pageToSource({ x: 116, y: 0 }, pic, PETS), [0, 0]);
    assert.deepEqual(pageToSource({ x: 500, y: 288 }, pic, PETS), [384, 288]);
    assert.deepEqual(pageToSource({ x: 50, y: 288 }, pic, PETS), [0, 288], 'a click on the left bar lands on the left edge');
  });

  test('round trip: every source pixel of a row comes back to itself', () => {
    for (let x = 0; x <= PETS.width; x++) {
      const p = sourceToPage([x, 300], shown, PETS);
      assert.deepEqual(pageToSource(p, shown, PETS), [x, 300]);
    }
  });
});

describe('ruleSpace', () => {
  const cases: { name: string; stated: Size | null | undefined; known: Size | null; want: Size | null }[] = [
    { name: 'the stated size when nothing is known', stated: PETS, known: null, want: PETS },
    { name: 'a restarted camera (no size stated) keeps the known size', stated: null, known: PETS, want: PETS },
    { name: 'the stated size wins over a known one that differs', stated: { width: 1280, height: 720 }, known: PETS, want: { width: 1280, height: 720 } },
    { name: 'unknown: null, never a guess', stated: null, known: null, want: null },
    { name: 'a zero size counts as none', stated: { width: 0, height: 0 }, known: null, want: null },
    { name: 'a zero size keeps the known one', stated: { width: 0, height: 0 }, known: PETS, want: PETS },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(ruleSpace(c.stated, c.known), c.want));

  test('the same size keeps its object (no needless re-render)', () => {
    const known = { width: 768, height: 576 };
    assert.equal(ruleSpace({ width: 768, height: 576 }, known), known);
  });

  test('isSize', () => {
    assert.equal(isSize(PETS), true);
    for (const s of [null, undefined, { width: 0, height: 5 }, { width: 5, height: -1 }, { width: Number.NaN, height: 5 }]) assert.equal(isSize(s), false, JSON.stringify(s));
  });
});
