/** Occupancy of zones over time as an SVG line chart (one coloured line per zone, with a legend). */
import type { ReactNode } from 'react';
import { TimeAxis } from './ChartAxis.tsx';
import { CHART, lineScale, polylinePoints, type Bucket } from './chart-scales.ts';

const COLOURS = ['#1f5fbf', '#c2410c', '#11692b', '#7c3aed', '#b00020', '#0e7490', '#a16207', '#be185d'];

/** The line chart of every zone's peak per bucket. */
export function ChartLines({ starts, series, bucket }: { readonly starts: readonly number[]; readonly series: Readonly<Record<string, readonly number[]>>; readonly bucket: Bucket }): ReactNode {
  const names = Object.keys(series);
  const scale = lineScale(series, starts.length);
  const { ticks, x, y } = scale;
  return (
    <figure className="chart">
      <figcaption>
        {names.map((n, k) => (
          <span key={n} className="chart-legend">
            <svg viewBox="0 0 10 10" aria-hidden="true">
              <rect width="10" height="10" fill={COLOURS[k % COLOURS.length]} />
            </svg>
            {n} (peak {Math.max(0, ...(series[n] ?? []))})
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={`Peak occupancy per ${bucket} of ${names.join(', ')}`}>
        <g className="chart-grid">
          {ticks.map((v) => (
            <line key={v} x1={CHART.left} x2={CHART.width - CHART.right} y1={y(v)} y2={y(v)} />
          ))}
        </g>
        <g className="chart-axis">
          {ticks.map((v) => (
            <text key={v} x={CHART.left - 4} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          ))}
        </g>
        {names.map((n, k) => (
          <polyline
            key={n}
            className="chart-series"
            stroke={COLOURS[k % COLOURS.length]}
            points={polylinePoints(series[n] ?? [], scale)}
          />
        ))}
        <TimeAxis starts={starts} bucket={bucket} x={x} />
      </svg>
    </figure>
  );
}
