/** One SVG strip per camera over the chosen period, with a tick per event coloured by its type. */
import type { ReactNode } from 'react';
import type { Camera, SightlineEvent } from '../api/types.ts';
import { formatTime } from './ChartCameraPicker.tsx';

const WIDTH = 1000;
const HEIGHT = 28;

/** The class that colours an event type (see the review rules in styles.css). */
export function typeClass(type: string): string {
  return `ev-${type.replace(/_/g, '-')}`;
}

/** Timelines of the loaded events, one per camera that has any. */
export function ReviewTimeline({
  cameras,
  events,
  from,
  to,
  selected,
  onSelect,
}: {
  readonly cameras: readonly Camera[];
  readonly events: readonly SightlineEvent[];
  readonly from: number;
  readonly to: number;
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
}): ReactNode {
  const span = Math.max(1, to - from);
  const x = (t: number): number => Math.min(WIDTH, Math.max(0, ((t - from) / span) * WIDTH));
  const ids = [...new Set(events.map((e) => e.cameraId))];
  if (ids.length === 0) return null;
  return (
    <div className="review-timeline">
      <p className="muted">
        {formatTime(from)} – {formatTime(to)}
      </p>
      {ids.map((id) => {
        const mine = events.filter((e) => e.cameraId === id);
        return (
          <div key={id} className="review-strip">
            <span className="review-strip-name">{cameras.find((c) => c.id === id)?.name ?? id}</span>
            <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="group" aria-label={`Events of camera ${cameras.find((c) => c.id === id)?.name ?? id} over time`}>
              <rect className="review-strip-bg" width={WIDTH} height={HEIGHT} />
              {mine.map((e) => {
                const x1 = x(e.startTime);
                const w = e.endTime === null ? 3 : Math.max(3, x(e.endTime) - x1);
                return (
                  <rect
                    key={e.id}
                    className={`review-tick ${typeClass(e.type)}${e.id === selected ? ' selected' : ''}`}
                    x={x1 - 1.5}
                    y={e.id === selected ? 0 : 4}
                    width={w}
                    height={e.id === selected ? HEIGHT : HEIGHT - 8}
                    onClick={() => onSelect(e.id)}
                  >
                    <title>{`${e.type.replace('_', ' ')} · ${e.rule} · ${formatTime(e.startTime)}`}</title>
                  </rect>
                );
              })}
            </svg>
          </div>
        );
      })}
    </div>
  );
}
