import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  boxFromMeasurement, CHI2_INV_95, cholesky, choleskySolve, gatingDistance, initiateKalman, matMul,
  measurementFromBox, predictKalman, projectKalman, transpose, updateKalman,
  type KalmanState, type Measurement,
} from './kalman.ts';

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} is not ${expected}`);
}

function nearAll(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) near(actual[i]!, expected[i]!, tol, `${what}[${i}]`);
}

function isSymmetric(a: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (a[i * n + j] !== a[j * n + i]) return false;
  return true;
}

test('matMul and transpose: table of small products', () => {
  const cases: { a: number[]; b: number[]; n: number; k: number; m: number; want: number[] }[] = [
    { a: [1, 2, 3, 4], b: [5, 6, 7, 8], n: 2, k: 2, m: 2, want: [19, 22, 43, 50] },
    { a: [1, 2, 3], b: [4, 5, 6], n: 1, k: 3, m: 1, want: [32] },
    { a: [1, 2, 3], b: [4, 5, 6], n: 3, k: 1, m: 3, want: [4, 5, 6, 8, 10, 12, 12, 15, 18] },
    { a: [0, 0, 0, 0], b: [1, 2, 3, 4], n: 2, k: 2, m: 2, want: [0, 0, 0, 0] },
  ];
  for (const { a, b, n, k, m, want } of cases) assert.deepEqual(Array.from(matMul(a, b, n, k, m)), want);
  assert.deepEqual(Array.from(transpose([1, 2, 3, 4, 5, 6], 2, 3)), [1, 4, 2, 5, 3, 6]);
  const identity8 = Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 1 : 0));
  const m8 = Array.from({ length: 64 }, (_, i) => i * 0.5 - 7);
  assert.deepEqual(Array.from(matMul(identity8, m8, 8, 8, 8)), m8);
  assert.deepEqual(Array.from(transpose(transpose(m8, 8, 8), 8, 8)), m8);
});

test('cholesky: L Lᵀ gives the matrix back, 4x4 and 8x8, and non-positive-definite input throws', () => {
  const a4 = [4, 12, -16, 0, 12, 37, -43, 0, -16, -43, 98, 0, 0, 0, 0, 9];
  const l4 = cholesky(a4, 4);
  nearAll(l4, [2, 0, 0, 0, 6, 1, 0, 0, -8, 5, 3, 0, 0, 0, 0, 3], 1e-12, 'L');
  nearAll(matMul(l4, transpose(l4, 4, 4), 4, 4, 4), a4, 1e-12, 'L Lᵀ');
  // A Gram matrix plus the identity is positive definite.
  const g = Array.from({ length: 64 }, (_, i) => Math.sin(i + 1));
  const a8 = Array.from(matMul(g, transpose(g, 8, 8), 8, 8, 8), (v, i) => v + (i % 9 === 0 ? 1 : 0));
  const l8 = cholesky(a8, 8);
  nearAll(matMul(l8, transpose(l8, 8, 8), 8, 8, 8), a8, 1e-12, 'L Lᵀ 8x8');
  for (const bad of [[1, 2, 2, 1], [0, 0, 0, 1], [-1, 0, 0, 1], [NaN, 0, 0, 1]]) {
    assert.throws(() => cholesky(bad, 2), RangeError, JSON.stringify(bad));
  }
});

test('choleskySolve: A X = B for several right-hand sides', () => {
  const a = [4, 12, -16, 0, 12, 37, -43, 0, -16, -43, 98, 0, 0, 0, 0, 9];
  const b = [1, 2, 3, 4, 5, 6, 7, 8];
  const x = choleskySolve(cholesky(a, 4), b, 4, 2);
  nearAll(matMul(a, x, 4, 4, 2), b, 1e-9, 'A X');
  assert.deepEqual(b, [1, 2, 3, 4, 5, 6, 7, 8], 'B is not written to');
});

test('measurementFromBox and boxFromMeasurement: round trip', () => {
  const cases: { box: { x: number; y: number; w: number; h: number }; m: Measurement }[] = [
    { box: { x: 10, y: 20, w: 40, h: 80 }, m: [30, 60, 0.5, 80] },
    { box: { x: -5, y: 0, w: 100, h: 50 }, m: [45, 25, 2, 50] },
  ];
  for (const { box, m } of cases) {
    assert.deepEqual(measurementFromBox(box), m);
    assert.deepEqual(boxFromMeasurement(m), box);
  }
});

test('initiateKalman: measurement as mean, zero velocity, diagonal covariance scaled by height', () => {
  const s = initiateKalman([100, 50, 0.5, 80]);
  assert.deepEqual(Array.from(s.mean), [100, 50, 0.5, 80, 0, 0, 0, 0]);
  const std = [8, 8, 1e-2, 8, 5, 5, 1e-5, 5];
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) near(s.covariance[i * 8 + j]!, i === j ? std[i]! ** 2 : 0, 1e-12, `P[${i}][${j}]`);
  }
});

test('predictKalman: constant velocity and F P Fᵀ + Q', () => {
  const start = updateKalman(predictKalman(initiateKalman([100, 50, 0.5, 80])), [104, 51, 0.5, 81]);
  const next = predictKalman(start);
  for (let i = 0; i < 4; i++) near(next.mean[i]!, start.mean[i]! + start.mean[i + 4]!, 1e-12, `mean[${i}]`);
  for (let i = 4; i < 8; i++) assert.equal(next.mean[i], start.mean[i]);
  const f = Array.from({ length: 64 }, (_, k) => (k % 9 === 0 || (k < 32 && k % 9 === 4) ? 1 : 0));
  const fpft = matMul(matMul(f, start.covariance, 8, 8, 8), transpose(f, 8, 8), 8, 8, 8);
  const h = start.mean[3]!;
  const q = [h / 20, h / 20, 1e-2, h / 20, h / 160, h / 160, 1e-5, h / 160].map((v) => v * v);
  nearAll(next.covariance, Array.from(fpft, (v, k) => v + (k % 9 === 0 ? q[k / 9]! : 0)), 1e-12, 'P');
  assert.ok(isSymmetric(next.covariance, 8));
});

test('predictKalman over uneven intervals: steps of s frames move s velocities, F(s) P F(s)ᵀ + s Q', () => {
  const start = updateKalman(predictKalman(initiateKalman([100, 50, 0.5, 80])), [104, 51, 0.5, 81]);
  assert.deepEqual(predictKalman(start, undefined, 1), predictKalman(start), 'one step is the default');
  const h = start.mean[3]!;
  const q = [h / 20, h / 20, 1e-2, h / 20, h / 160, h / 160, 1e-5, h / 160].map((v) => v * v);
  for (const s of [0.5, 1.4, 2, 5]) {
    const next = predictKalman(start, undefined, s);
    for (let i = 0; i < 4; i++) near(next.mean[i]!, start.mean[i]! + s * start.mean[i + 4]!, 1e-12, `s=${s}: mean[${i}]`);
    for (let i = 4; i < 8; i++) assert.equal(next.mean[i], start.mean[i]);
    const f = Array.from({ length: 64 }, (_, k) => (k % 9 === 0 ? 1 : k < 32 && k % 9 === 4 ? s : 0));
    const fpft = matMul(matMul(f, start.covariance, 8, 8, 8), transpose(f, 8, 8), 8, 8, 8);
    nearAll(next.covariance, Array.from(fpft, (v, k) => v + (k % 9 === 0 ? s * q[k / 9]! : 0)), 1e-12, `s=${s}: P`);
    assert.ok(isSymmetric(next.covariance, 8), `s=${s}: P symmetric`);
  }
  const twice = predictKalman(predictKalman(start));
  nearAll(predictKalman(start, undefined, 2).mean, twice.mean, 1e-12, 'two steps at once move as two single steps');
});

test('projectKalman: top-left 4x4 of P plus measurement noise', () => {
  const s = initiateKalman([0, 0, 1, 40]);
  const p = projectKalman(s);
  assert.deepEqual(Array.from(p.mean), [0, 0, 1, 40]);
  nearAll([p.covariance[0]!, p.covariance[5]!, p.covariance[10]!, p.covariance[15]!], [16 + 4, 16 + 4, 1e-4 + 1e-2, 16 + 4], 1e-12, 'S diag');
  assert.equal(p.covariance[1], 0);
});

test('updateKalman: a measurement at the prediction keeps the mean and shrinks the uncertainty', () => {
  const s = predictKalman(initiateKalman([100, 50, 0.5, 80]));
  const u = updateKalman(s, [100, 50, 0.5, 80]);
  nearAll(u.mean, s.mean, 1e-12, 'mean');
  for (let i = 0; i < 8; i++) assert.ok(u.covariance[i * 9]! <= s.covariance[i * 9]!, `P[${i}][${i}] grew`);
  assert.ok(isSymmetric(u.covariance, 8));
});

test('updateKalman: the mean moves part of the way toward the measurement', () => {
  const s = predictKalman(initiateKalman([100, 50, 0.5, 80]));
  const u = updateKalman(s, [110, 40, 0.5, 80]);
  assert.ok(u.mean[0]! > 100 && u.mean[0]! < 110, `cx ${u.mean[0]}`);
  assert.ok(u.mean[1]! < 50 && u.mean[1]! > 40, `cy ${u.mean[1]}`);
  assert.ok(u.mean[4]! > 0 && u.mean[5]! < 0, 'velocity follows the innovation');
});

test('Kalman filter: matches a NumPy/SciPy run of the same equations', () => {
  let s: KalmanState = initiateKalman([100, 50, 0.5, 80]);
  for (const z of [[104, 51, 0.5, 81], [109, 53, 0.52, 82], [113, 54, 0.5, 82]] as const) s = updateKalman(predictKalman(s), z);
  s = predictKalman(s);
  nearAll(s.mean, [115.37231940688105, 54.83099258986451, 0.5005536721915078, 82.4967074175806,
    3.0342198201483073, 0.9792060155088432, 5.463001062454692e-10, 0.4252650346366826], 1e-9, 'mean');
  nearAll([0, 1, 2, 3, 4, 5, 6, 7].map((i) => s.covariance[i * 9]!), [46.893665951031494, 46.893665951031494,
    0.00047310687166241146, 46.893665951031494, 8.6999452733044, 8.6999452733044, 4.999999569414196e-10, 8.6999452733044], 1e-9, 'diag');
  near(s.covariance[4]!, 12.834461119294408, 1e-9, 'P[0][4]');
  near(s.covariance[3 * 8 + 7]!, 12.834461119294408, 1e-9, 'P[3][7]');
  near(gatingDistance(s, [120, 56, 0.5, 83]), 0.36047449872796905, 1e-9, 'gating');
  near(gatingDistance(s, [120, 56, 0.5, 83], true), 0.3564816604614038, 1e-9, 'gating, position only');
});

test('Kalman filter: velocity converges on a steadily moving box', () => {
  let s: KalmanState = initiateKalman([0, 100, 0.5, 80]);
  for (let t = 1; t <= 40; t++) s = updateKalman(predictKalman(s), [6 * t, 100 - 2 * t, 0.5, 80]);
  near(s.mean[4]!, 6, 0.02, 'vx');
  near(s.mean[5]!, -2, 0.02, 'vy');
  near(s.mean[0]!, 240, 0.01, 'cx');
});

test('gatingDistance: zero at the prediction, growing with distance, gates a jump', () => {
  const s = predictKalman(initiateKalman([100, 50, 0.5, 80]));
  near(gatingDistance(s, [100, 50, 0.5, 80]), 0, 1e-12, 'at mean');
  const d = [0, 5, 10, 20, 40].map((dx) => gatingDistance(s, [100 + dx, 50, 0.5, 80]));
  for (let i = 1; i < d.length; i++) assert.ok(d[i]! > d[i - 1]!, `not increasing: ${d.join(', ')}`);
  assert.ok(d[1]! < CHI2_INV_95[4], 'a small step passes the gate');
  assert.ok(d[4]! > CHI2_INV_95[4], 'a half-width jump is gated out');
  // The aspect ratio counts only when all four numbers are gated.
  near(gatingDistance(s, [100, 50, 0.9, 80], true), 0, 1e-12, 'position only ignores aspect');
  assert.ok(gatingDistance(s, [100, 50, 0.9, 80]) > 0);
});

test('Kalman functions never write to their inputs', () => {
  const s = updateKalman(predictKalman(initiateKalman([10, 20, 0.5, 40])), [12, 21, 0.5, 41]);
  const mean = Array.from(s.mean);
  const covariance = Array.from(s.covariance);
  predictKalman(s);
  updateKalman(s, [30, 30, 1, 50]);
  projectKalman(s);
  gatingDistance(s, [30, 30, 1, 50]);
  assert.deepEqual(Array.from(s.mean), mean);
  assert.deepEqual(Array.from(s.covariance), covariance);
});
