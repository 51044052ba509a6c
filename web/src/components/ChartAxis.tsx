/** The time axis of the SVG charts: bucket labels under the plot (the arithmetic is in chart-scales.ts). */
import type { ReactNode } from 'react';
import { CHART, type Bucket } from './chart-scales.ts';

/** A bucket's label on the time axis. */
export function bucketLabel(start: number, bucket: Bucket): string {
  const d = new Date(start);
  if (bucket === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
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
