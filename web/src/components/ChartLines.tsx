/** Occupancy of zones over time as an SVG line chart (one coloured line per zone, with a legend). */
import type { ReactNode } from 'react';
import { CHART, TimeAxis, niceStep, type Bucket } from './ChartAxis.tsx';

const COLOURS = ['#1f5fbf', '#c2410c', '#11692b', '#7c3aed', '#b00020', '#0e7490', '#a16207', '#be185d'];

/** The line chart of every zone's peak per bucket. */
export function ChartLines({ starts, series, bucket }: { readonly starts: readonly number[]; readonly series: Readonly<Record<string, readonly number[]>>; readonly bucket: Bucket }): ReactNode {
  const names = Object.keys(series);
  const max = Math.max(1, ...names.flatMap((n) => series[n] ?? []));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = CHART.width - CHART.left - CHART.right;
  const plotH = CHART.height - CHART.top - CHART.bottom;
  const slot = plotW / Math.max(1, starts.length);
  const x = (i: number): number => CHART.left + slot * (i + 0.5);
  const y = (v: number): number => CHART.top + plotH - (v / top) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
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
            points={(series[n] ?? []).map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
          />
        ))}
        <TimeAxis starts={starts} bucket={bucket} x={x} />
      </svg>
    </figure>
  );
}
