/** Crossings of one line over time as an SVG bar chart: `in` upwards, `out` downwards, with totals. */
import type { ReactNode } from 'react';
import { CHART, TimeAxis, niceStep, type Bucket } from './ChartAxis.tsx';

/** One bar pair. */
export interface InOut {
  readonly in: number;
  readonly out: number;
}

/** The bar chart of one line. */
export function ChartBars({ line, starts, values, bucket }: { readonly line: string; readonly starts: readonly number[]; readonly values: readonly InOut[]; readonly bucket: Bucket }): ReactNode {
  const totalIn = values.reduce((n, v) => n + v.in, 0);
  const totalOut = values.reduce((n, v) => n + v.out, 0);
  const max = Math.max(1, ...values.map((v) => Math.max(v.in, v.out)));
  const step = niceStep(max, 2);
  const top = Math.ceil(max / step) * step;
  const plotW = CHART.width - CHART.left - CHART.right;
  const half = (CHART.height - CHART.top - CHART.bottom) / 2;
  const mid = CHART.top + half;
  const slot = plotW / Math.max(1, starts.length);
  const x = (i: number): number => CHART.left + slot * (i + 0.5);
  const h = (v: number): number => (v / top) * half;
  const ticks: number[] = [];
  for (let v = step; v <= top; v += step) ticks.push(v);
  return (
    <figure className="chart">
      <figcaption>
        <strong>{line}</strong>: {totalIn} in, {totalOut} out
      </figcaption>
      <svg viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={`Line ${line}: ${totalIn} in and ${totalOut} out over the period`}>
        <g className="chart-grid">
          {ticks.flatMap((v) => [
            <line key={`u${v}`} x1={CHART.left} x2={CHART.width - CHART.right} y1={mid - h(v)} y2={mid - h(v)} />,
            <line key={`d${v}`} x1={CHART.left} x2={CHART.width - CHART.right} y1={mid + h(v)} y2={mid + h(v)} />,
          ])}
          <line className="chart-zero" x1={CHART.left} x2={CHART.width - CHART.right} y1={mid} y2={mid} />
        </g>
        <g className="chart-axis">
          {ticks.flatMap((v) => [
            <text key={`u${v}`} x={CHART.left - 4} y={mid - h(v) + 4} textAnchor="end">
              {v}
            </text>,
            <text key={`d${v}`} x={CHART.left - 4} y={mid + h(v) + 4} textAnchor="end">
              {v}
            </text>,
          ])}
          <text x={CHART.left + 4} y={CHART.top + 10} className="chart-in">
            in
          </text>
          <text x={CHART.left + 4} y={CHART.height - CHART.bottom - 4} className="chart-out">
            out
          </text>
        </g>
        {values.map((v, i) => (
          <g key={starts[i]}>
            {v.in > 0 && (
              <rect className="chart-in" x={x(i) - slot * 0.4} width={slot * 0.8} y={mid - h(v.in)} height={h(v.in)}>
                <title>{`${v.in} in`}</title>
              </rect>
            )}
            {v.out > 0 && (
              <rect className="chart-out" x={x(i) - slot * 0.4} width={slot * 0.8} y={mid} height={h(v.out)}>
                <title>{`${v.out} out`}</title>
              </rect>
            )}
          </g>
        ))}
        <TimeAxis starts={starts} bucket={bucket} x={x} />
      </svg>
    </figure>
  );
}
