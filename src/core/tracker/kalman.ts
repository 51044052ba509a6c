/**
 * The constant-velocity Kalman filter of SORT, DeepSORT and ByteTrack over a box written as
 * (cx, cy, aspect, h): centre, width / height, height. The state adds their velocities, eight
 * numbers in all; one step is one frame, and a prediction may span several or a fraction of one. Noise scales with the box height, as in ByteTrack.
 * Every function here is pure: it returns new arrays and never writes to its inputs.
 */
import type { Box } from '../geometry.ts';

/** A box as the filter measures it: centre x, centre y, aspect ratio (width / height) and height. */
export type Measurement = readonly [cx: number, cy: number, aspect: number, h: number];

/** A Gaussian over the 8-state (cx, cy, aspect, h, vcx, vcy, vaspect, vh): mean (8) and row-major covariance (8x8). */
export interface KalmanState {
  readonly mean: ArrayLike<number>;
  readonly covariance: ArrayLike<number>;
}

/** The filter's prediction in measurement space: mean (4) and row-major covariance (4x4) with measurement noise added. */
export interface KalmanProjection {
  readonly mean: ArrayLike<number>;
  readonly covariance: ArrayLike<number>;
}

/** Noise weights, each a standard deviation per pixel of box height. */
export interface KalmanNoise {
  /** Standard deviation of position and height, per pixel of height (ByteTrack: 1/20). */
  readonly position: number;
  /** Standard deviation of the position and height velocities, per pixel of height (ByteTrack: 1/160). */
  readonly velocity: number;
}

/** ByteTrack's noise weights. */
export const DEFAULT_KALMAN_NOISE: KalmanNoise = Object.freeze({ position: 1 / 20, velocity: 1 / 160 });

/** The 0.95 quantile of the chi-square distribution by degrees of freedom, the usual gate for a squared Mahalanobis distance. */
export const CHI2_INV_95: Readonly<Record<1 | 2 | 3 | 4, number>> = Object.freeze({ 1: 3.8415, 2: 5.9915, 3: 7.8147, 4: 9.4877 });

/** The filter's measurement for a box. */
export function measurementFromBox(box: Box): Measurement {
  return [box.x + box.w / 2, box.y + box.h / 2, box.w / box.h, box.h];
}

/** The box for a measurement, or for the first four numbers of a state mean. */
export function boxFromMeasurement(m: ArrayLike<number>): Box {
  const h = m[3]!;
  const w = m[2]! * h;
  return { x: m[0]! - w / 2, y: m[1]! - h / 2, w, h };
}

/** Product of an n x k and a k x m row-major matrix. */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += aip * b[p * m + j]!;
    }
  }
  return out;
}

/** Transpose of a rows x cols row-major matrix. */
export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** Lower Cholesky factor L of a symmetric positive-definite n x n matrix (A = L Lᵀ); throws a RangeError when A is not positive definite. */
export function cholesky(a: ArrayLike<number>, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let p = 0; p < j; p++) d -= l[j * n + p]! * l[j * n + p]!;
    if (!(d > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let p = 0; p < j; p++) s -= l[i * n + p]! * l[j * n + p]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L y = b in place for each of the m columns of the n x m matrix b (forward substitution). */
function forwardSubstitute(l: ArrayLike<number>, b: Float64Array, n: number, m: number): void {
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = b[i * m + c]!;
      for (let p = 0; p < i; p++) s -= l[i * n + p]! * b[p * m + c]!;
      b[i * m + c] = s / l[i * n + i]!;
    }
  }
}

/** Solves (L Lᵀ) X = B in place, B being n x m, by forward then back substitution. */
function solveInPlace(l: ArrayLike<number>, x: Float64Array, n: number, m: number): void {
  forwardSubstitute(l, x, n, m);
  for (let c = 0; c < m; c++) {
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c]!;
      for (let p = i + 1; p < n; p++) s -= l[p * n + i]! * x[p * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
  }
}

/** Solves (L Lᵀ) X = B for X, given the lower Cholesky factor L (n x n) and B (n x m), both row-major. */
export function choleskySolve(l: ArrayLike<number>, b: ArrayLike<number>, n: number, m: number): Float64Array {
  const x = new Float64Array(b);
  solveInPlace(l, x, n, m);
  return x;
}

/** A new track's state from its first measurement: zero velocity, uncertainty scaled by the box height. */
export function initiateKalman(measurement: Measurement, noise: KalmanNoise = DEFAULT_KALMAN_NOISE): KalmanState {
  const h = measurement[3];
  const mean = new Float64Array(8);
  mean.set(measurement);
  const std = [2 * noise.position * h, 2 * noise.position * h, 1e-2, 2 * noise.position * h,
    10 * noise.velocity * h, 10 * noise.velocity * h, 1e-5, 10 * noise.velocity * h];
  const covariance = new Float64Array(64);
  for (let i = 0; i < 8; i++) covariance[i * 9] = std[i]! * std[i]!;
  return { mean, covariance };
}

/**
 * The state `steps` frames later (default one; fractions allowed, for frames that come at uneven
 * intervals) under constant velocity: x' = F x, P' = F P Fᵀ + steps Q, with Q scaled by the current height.
 */
export function predictKalman(state: KalmanState, noise: KalmanNoise = DEFAULT_KALMAN_NOISE, steps = 1): KalmanState {
  const m = state.mean;
  const p = state.covariance;
  const s = steps;
  const mean = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    mean[i] = m[i]! + s * m[i + 4]!;
    mean[i + 4] = m[i + 4]!;
  }
  // F = [[I, sI], [0, I]]: (F P Fᵀ)[i][j] = P[i][j] + s P[i+4][j] (i < 4) + s P[i][j+4] (j < 4) + s² P[i+4][j+4] (both).
  const covariance = new Float64Array(64);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      let v = p[i * 8 + j]!;
      if (i < 4) v += s * p[(i + 4) * 8 + j]!;
      if (j < 4) v += s * p[i * 8 + j + 4]! + (i < 4 ? s * s * p[(i + 4) * 8 + j + 4]! : 0);
      covariance[i * 8 + j] = v;
    }
  }
  const h = m[3]!;
  const sp = noise.position * h;
  const sv = noise.velocity * h;
  const q = [sp, sp, 1e-2, sp, sv, sv, 1e-5, sv];
  // The process noise of `steps` frames: variances add up, one frame's per frame.
  for (let i = 0; i < 8; i++) covariance[i * 9] = covariance[i * 9]! + s * q[i]! * q[i]!;
  return { mean, covariance };
}

/** The state in measurement space, H x and H P Hᵀ + R, with R scaled by the predicted height. */
export function projectKalman(state: KalmanState, noise: KalmanNoise = DEFAULT_KALMAN_NOISE): KalmanProjection {
  const m = state.mean;
  const p = state.covariance;
  const mean = new Float64Array([m[0]!, m[1]!, m[2]!, m[3]!]);
  const covariance = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) covariance[i * 4 + j] = p[i * 8 + j]!;
  const s = noise.position * m[3]!;
  const r = [s, s, 1e-1, s];
  for (let i = 0; i < 4; i++) covariance[i * 5] = covariance[i * 5]! + r[i]! * r[i]!;
  return { mean, covariance };
}

/** The state corrected by a measurement: K = P Hᵀ S⁻¹, x' = x + K (z - H x), P' = P - K S Kᵀ. */
export function updateKalman(state: KalmanState, measurement: Measurement, noise: KalmanNoise = DEFAULT_KALMAN_NOISE): KalmanState {
  const m = state.mean;
  const p = state.covariance;
  const projected = projectKalman(state, noise);
  // Kᵀ = S⁻¹ H P (4 x 8); H P is the first four rows of P, that is its first 32 numbers.
  const gainT = new Float64Array(32);
  for (let k = 0; k < 32; k++) gainT[k] = p[k]!;
  solveInPlace(cholesky(projected.covariance, 4), gainT, 4, 8);
  const mean = new Float64Array(m);
  for (let k = 0; k < 4; k++) {
    const innovation = measurement[k]! - projected.mean[k]!;
    for (let i = 0; i < 8; i++) mean[i] = mean[i]! + gainT[k * 8 + i]! * innovation;
  }
  // K S Kᵀ = (P Hᵀ) Kᵀ since K S = P Hᵀ, and (P Hᵀ)[i][k] = P[i][k]; symmetrise so rounding cannot break positive definiteness.
  const covariance = new Float64Array(64);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      let v = p[i * 8 + j]!;
      for (let k = 0; k < 4; k++) v -= p[i * 8 + k]! * gainT[k * 8 + j]!;
      covariance[i * 8 + j] = v;
    }
  }
  for (let i = 0; i < 8; i++) {
    for (let j = i + 1; j < 8; j++) {
      const v = (covariance[i * 8 + j]! + covariance[j * 8 + i]!) / 2;
      covariance[i * 8 + j] = v;
      covariance[j * 8 + i] = v;
    }
  }
  return { mean, covariance };
}

/**
 * Squared Mahalanobis distance between the state's projection and a measurement, over all four
 * measured numbers or, with `onlyPosition`, the centre only; compare it with CHI2_INV_95[4] or [2].
 */
export function gatingDistance(state: KalmanState, measurement: Measurement, onlyPosition = false,
  noise: KalmanNoise = DEFAULT_KALMAN_NOISE): number {
  const projected = projectKalman(state, noise);
  const n = onlyPosition ? 2 : 4;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = projected.covariance[i * 4 + j]!;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = measurement[i]! - projected.mean[i]!;
  forwardSubstitute(cholesky(s, n), d, n, 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += d[i]! * d[i]!;
  return sum;
}
