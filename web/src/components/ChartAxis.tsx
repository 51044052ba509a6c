/** Shared pieces of the SVG charts: bucket times, tick labels and the plot's size. */
import type { ReactNode } from 'react';

/** Width and height of a chart's viewBox, and its margins for the axes. */
export const CHART = { width: 720, height: 240, left: 44, right: 8, top: 12, bottom: 28 } as const;

/** Milliseconds in a bucket. */
export const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** A bucket size. */
export type Bucket = keyof typeof BUCKET_MS;

/** Start times of every bucket overlapping [from, to), aligned like the server's (UTC). */
export function bucketStarts(from: number, to: number, bucket: Bucket): number[] {
  const size = BUCKET_MS[bucket];
  const out: number[] = [];
  for (let t = Math.floor(from / size) * size; t < to; t += size) out.push(t);
  return out;
}

/** A bucket's label on the time axis. */
export function bucketLabel(start: number, bucket: Bucket): string {
  const d = new Date(start);
  if (bucket === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A round step for about `parts` gridlines up to `max`. */
export function niceStep(max: number, parts = 4): number {
  const raw = Math.max(1, max / parts);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const n = raw / pow;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * pow;
}

/** Time labels under the plot, about eight of them. */
export function TimeAxis({ starts, bucket, x }: { readonly starts: readonly number[]; readonly bucket: Bucket; readonly x: (i: number) => number }): ReactNode {
  const every = Math.max(1, Math.ceil(starts.length / 8));
  return (
    <g className="chart-axis">
      {starts.map((s, i) =>
        i % every === 0 ? (
          <text key={s} x={x(i)} y={CHART.height - 8} textAnchor={x(i) > CHART.width - 40 ? 'end' : x(i) < CHART.left + 30 ? 'start' : 'middle'}>
            {bucketLabel(s, bucket)}
          </text>
        ) : null,
      )}
    </g>
  );
}
