/** Geometry of CenterNet's output maps, as read from the shipped graph's constants. */
export interface CenterNetMaps {
  /** Class heat maps after the sigmoid, NHWC: `height * width * classes` values. */
  readonly keypoints: ArrayLike<number>;
  /** Box extents (left, top, right, bottom distances in input pixels), NHWC: `height * width * 4` values. */
  readonly wh: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  readonly classes: number;
  /** Input pixels per map cell (4 for the 512x512 model with 128x128 maps). */
  readonly stride: number;
}

/**
 * The tail of the CenterNet graph (3x3 max-pool peak finding, top-k, box decoding) in TypeScript:
 * returns rows of `x1, y1, x2, y2, score, class` in input pixels, best first, exactly as the
 * graph's `detections` output (`class` is the heat-map channel), but only for peaks scoring at
 * least `minScore` (dropping those first is what makes this cheap), at most `topK` of them.
 * `channels`, when given, are the only heat-map channels searched, so that the top-k holds only
 * classes the caller wants.
 */
export function decodeCenterNetMaps(maps: CenterNetMaps, minScore: number, topK = 100, channels?: readonly number[]): Float32Array {
  const { keypoints: kp, wh, width: W, height: H, classes: C, stride } = maps;
  let searched: Uint8Array | undefined;
  if (channels !== undefined) {
    searched = new Uint8Array(C);
    for (const c of channels) searched[c] = 1;
  }
  const peaks: { score: number; index: number }[] = [];
  for (let i = 0, n = W * H * C; i < n; i++) {
    const v = kp[i]!;
    if (!(v >= minScore)) continue;
    const c = i % C;
    if (searched !== undefined && searched[c] === 0) continue;
    const pos = (i - c) / C;
    const x = pos % W;
    const y = (pos - x) / W;
    let isPeak = true;
    for (let dy = -1; dy <= 1 && isPeak; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= H) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if (xx < 0 || xx >= W) continue;
        if (kp[(yy * W + xx) * C + c]! > v) {
          isPeak = false;
          break;
        }
      }
    }
    if (isPeak) peaks.push({ score: v, index: i });
  }
  // TopK is stable for ties in the order of the flat index, as tf.topk is.
  peaks.sort((a, b) => b.score - a.score || a.index - b.index);
  const k = Math.min(topK, peaks.length);
  const rows = new Float32Array(k * 6);
  for (let j = 0; j < k; j++) {
    const { score, index } = peaks[j]!;
    const c = index % C;
    const pos = (index - c) / C;
    const x = pos % W;
    const y = (pos - x) / W;
    const o = pos * 4;
    rows[j * 6] = x * stride - wh[o]!;
    rows[j * 6 + 1] = y * stride - wh[o + 1]!;
    rows[j * 6 + 2] = x * stride + wh[o + 2]!;
    rows[j * 6 + 3] = y * stride + wh[o + 3]!;
    rows[j * 6 + 4] = score;
    rows[j * 6 + 5] = c;
  }
  return rows;
}
