/** Crossings of one line over time as an SVG bar chart: `in` upwards, `out` downwards, with totals. */
import type { ReactNode } from 'react';
import { TimeAxis } from './ChartAxis.tsx';
import { barScale, CHART, type Bucket, type InOut } from './chart-scales.ts';

/** The bar chart of one line. */
export function ChartBars({ line, starts, values, bucket }: { readonly line: string; readonly starts: readonly number[]; readonly values: readonly InOut[]; readonly bucket: Bucket }): ReactNode {
  const { totalIn, totalOut, ticks, mid, slot, x, h } = barScale(values);
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
