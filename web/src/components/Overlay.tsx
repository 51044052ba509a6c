/**
 * An SVG drawn over a live video in the camera's picture coordinates: zones (polygons), counting
 * lines with an arrow toward their `inside` side, and tracked objects' boxes with class and id.
 */
import type { ReactNode } from 'react';
import type { LineRule, Point, ZoneRule } from '../api/types.ts';
import type { OverlayTrack } from './track-timeline.ts';

export type { OverlayTrack };


/** Which layers are drawn. */
export interface OverlayLayers {
  readonly boxes: boolean;
  readonly zones: boolean;
  readonly lines: boolean;
}

interface Props {
  readonly width: number;
  readonly height: number;
  readonly zones: readonly ZoneRule[];
  readonly lines: readonly LineRule[];
  readonly tracks: readonly OverlayTrack[];
  readonly layers: OverlayLayers;
}

/** The arrow of a line: from its middle, perpendicular to it, toward the `inside` point. */
export function insideArrow(line: LineRule, length: number): { from: Point; to: Point; head: Point[] } {
  const [[x1, y1], [x2, y2]] = line.points;
  const mid: Point = [(x1 + x2) / 2, (y1 + y2) / 2];
  const dx = x2 - x1;
  const dy = y2 - y1;
  const norm = Math.hypot(dx, dy) || 1;
  let nx = -dy / norm;
  let ny = dx / norm;
  if (nx * (line.inside[0] - mid[0]) + ny * (line.inside[1] - mid[1]) < 0) {
    nx = -nx;
    ny = -ny;
  }
  const to: Point = [mid[0] + nx * length, mid[1] + ny * length];
  const h = length * 0.35;
  const head: Point[] = [to, [to[0] - nx * h - ny * h * 0.6, to[1] - ny * h + nx * h * 0.6], [to[0] - nx * h + ny * h * 0.6, to[1] - ny * h - nx * h * 0.6]];
  return { from: mid, to, head };
}

const pts = (points: readonly Point[]): string => points.map(([x, y]) => `${x},${y}`).join(' ');

/** The overlay; it fills its positioned parent and scales like a video with `object-fit: contain`. */
export function Overlay({ width, height, zones, lines, tracks, layers }: Props): ReactNode {
  const unit = Math.max(width, height) / 100;
  const font = unit * 2.2;
  return (
    <svg className="live-overlay" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      {layers.zones &&
        zones.map((z) => (
          <g key={`z-${z.name}`} className="overlay-zone">
            <polygon points={pts(z.polygon)} strokeWidth={unit * 0.3} />
            {z.polygon[0] && (
              <text x={z.polygon[0][0] + unit} y={z.polygon[0][1] + font * 1.1} fontSize={font}>
                {z.name}
              </text>
            )}
          </g>
        ))}
      {layers.lines &&
        lines.map((l) => {
          const a = insideArrow(l, unit * 6);
          return (
            <g key={`l-${l.name}`} className="overlay-line">
              <line x1={l.points[0][0]} y1={l.points[0][1]} x2={l.points[1][0]} y2={l.points[1][1]} strokeWidth={unit * 0.5} />
              <line x1={a.from[0]} y1={a.from[1]} x2={a.to[0]} y2={a.to[1]} strokeWidth={unit * 0.35} />
              <polygon points={pts(a.head)} />
              <text x={l.points[0][0] + unit} y={l.points[0][1] - unit} fontSize={font}>
                {l.name}
              </text>
            </g>
          );
        })}
      {layers.boxes &&
        tracks.map((t) => (
          <g key={`t-${t.id}`} className={t.observed ? 'overlay-track' : 'overlay-track coasting'}>
            <rect x={t.box[0]} y={t.box[1]} width={t.box[2]} height={t.box[3]} strokeWidth={unit * 0.3} />
            <text x={t.box[0]} y={Math.max(font, t.box[1] - unit * 0.5)} fontSize={font}>
              {`${t.class} #${t.id}`}
            </text>
          </g>
        ))}
    </svg>
  );
}
