/** How long objects spent in one zone as a small SVG bar chart: exits per dwell bin, each bar with its count written above it. */
import type { ReactNode } from 'react';
import { DWELL_CHART, dwellBinShort, dwellScale, formatDwell, medianText } from './chart-scales.ts';

/** One dwell bin as the dwell route describes it. */
export interface DwellBinView {
  readonly label: string;
  readonly fromSeconds: number;
  readonly toSeconds: number | null;
}

/** A zone's dwell over the period, as the dwell route totals it. */
export interface DwellTotal {
  readonly exits: number;
  readonly meanSeconds: number | null;
  readonly medianSeconds: number | null;
  readonly bins: readonly number[];
}

/** The distribution chart of one zone; its caption and accessible name carry every figure as text. */
export function ChartDwell({ zone, total, bins }: { readonly zone: string; readonly total: DwellTotal; readonly bins: readonly DwellBinView[] }): ReactNode {
  const { slot, x, base, h } = dwellScale(total.bins);
  const counts = bins.map((b, i) => `${b.label}: ${total.bins[i] ?? 0}`).join(', ');
  return (
    <figure className="chart chart-dwell">
      <figcaption>
        <strong>{zone}</strong>: {total.exits} left the zone; average {formatDwell(total.meanSeconds)}, median {medianText(total.medianSeconds, bins.at(-1)?.fromSeconds ?? 900)}
      </figcaption>
      <svg viewBox={`0 0 ${DWELL_CHART.width} ${DWELL_CHART.height}`} role="img" aria-label={`Time spent in ${zone}, objects per duration: ${counts}`}>
        <line className="chart-zero" x1={DWELL_CHART.left} x2={DWELL_CHART.width - DWELL_CHART.right} y1={base} y2={base} />
        {bins.map((b, i) => {
          const n = total.bins[i] ?? 0;
          return (
            <g key={b.label}>
              {n > 0 && (
                <rect className="chart-dwell-bar" x={x(i) - slot * 0.4} width={slot * 0.8} y={base - h(n)} height={h(n)}>
                  <title>{`${b.label}: ${n}`}</title>
                </rect>
              )}
              <text className="chart-dwell-count" x={x(i)} y={base - h(n) - 4} textAnchor="middle">
                {n}
              </text>
              <text className="chart-dwell-bin" x={x(i)} y={DWELL_CHART.height - 6} textAnchor="middle">
                {dwellBinShort(b.fromSeconds, b.toSeconds)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
