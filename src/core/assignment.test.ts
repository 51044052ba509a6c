import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveAssignment } from './assignment.ts';

function total(cost: number[][], a: number[]): number {
  return a.reduce((s, j, i) => (j >= 0 ? s + cost[i]![j]! : s), 0);
}

function bruteForce(cost: number[][]): number {
  const rows = cost.length;
  const cols = cost[0]!.length;
  let best = Infinity;
  const used = new Array<boolean>(cols).fill(false);
  const k = Math.min(rows, cols);
  const rec = (i: number, assigned: number, sum: number): void => {
    if (assigned === k || i === rows) {
      if (assigned === k) best = Math.min(best, sum);
      return;
    }
    if (rows - i > k - assigned) rec(i + 1, assigned, sum);
    for (let j = 0; j < cols; j++) {
      if (used[j]) continue;
      used[j] = true;
      rec(i + 1, assigned + 1, sum + cost[i]![j]!);
      used[j] = false;
    }
  };
  rec(0, 0, 0);
  return best;
}

test('solveAssignment: table of small cases', () => {
  const cases: { cost: number[][]; want: number[] }[] = [
    { cost: [], want: [] },
    { cost: [[5]], want: [0] },
    { cost: [[4, 1, 3], [2, 0, 5], [3, 2, 2]], want: [1, 0, 2] },
    { cost: [[1, 2, 3]], want: [0] },
    { cost: [[3], [1], [2]], want: [-1, 0, -1] },
  ];
  for (const { cost, want } of cases) assert.deepEqual(solveAssignment(cost), want);
});

test('solveAssignment: optimal on random rectangular matrices', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let t = 0; t < 200; t++) {
    const rows = 1 + Math.floor(rnd() * 6);
    const cols = 1 + Math.floor(rnd() * 6);
    const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rnd() * 100) / 10));
    const a = solveAssignment(cost);
    const cols1 = a.filter((j) => j >= 0);
    assert.equal(new Set(cols1).size, cols1.length, 'a column is given twice');
    assert.equal(cols1.length, Math.min(rows, cols));
    assert.ok(Math.abs(total(cost, a) - bruteForce(cost)) < 1e-9, `not optimal for ${JSON.stringify(cost)}`);
  }
});

test('solveAssignment: rejects non-finite costs', () => {
  assert.throws(() => solveAssignment([[1, Infinity]]), RangeError);
});
