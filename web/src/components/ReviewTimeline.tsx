/** One SVG strip per camera over the chosen period, with a bar per review item from its start to its end, coloured by its severity. */
import type { ReactNode } from 'react';
import type { Camera } from '../api/types.ts';
import { formatTime } from './ChartCameraPicker.tsx';
import { itemTitle, type ShownItem } from './review-model.ts';

const WIDTH = 1000;
const HEIGHT = 28;

/** Timelines of the items shown, one per camera that has any (the list beside it is the keyboard's way to the same items). */
export function ReviewTimeline({
  cameras,
  items,
  from,
  to,
  selected,
  onSelect,
}: {
  readonly cameras: readonly Camera[];
  readonly items: readonly ShownItem[];
  readonly from: number;
  readonly to: number;
  readonly selected: string | null;
  readonly onSelect: (id: string) => void;
}): ReactNode {
  const span = Math.max(1, to - from);
  const x = (t: number): number => Math.min(WIDTH, Math.max(0, ((t - from) / span) * WIDTH));
  const ids = [...new Set(items.map((s) => s.item.cameraId))];
  if (ids.length === 0) return null;
  return (
    <div className="review-timeline">
      <p className="muted">
        {formatTime(from)} – {formatTime(to)}
      </p>
      {ids.map((id) => {
        const name = cameras.find((c) => c.id === id)?.name ?? id;
        return (
          <div key={id} className="review-strip">
            <span className="review-strip-name">{name}</span>
            <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="group" aria-label={`Review items of camera ${name} over time`}>
              <rect className="review-strip-bg" width={WIDTH} height={HEIGHT} />
              {items
                .filter((s) => s.item.cameraId === id)
                .map(({ item, reviewed }) => {
                  const x1 = x(item.start);
                  const w = Math.max(3, x(item.end ?? to) - x1);
                  const on = item.id === selected;
                  return (
                    <rect
                      key={item.id}
                      className={`review-tick sev-${item.severity}${on ? ' selected' : ''}${reviewed ? ' reviewed' : ''}`}
                      data-item={item.id}
                      x={x1 - 1.5}
                      y={on ? 0 : 4}
                      width={w}
                      height={on ? HEIGHT : HEIGHT - 8}
                      onClick={() => onSelect(item.id)}
                    >
                      <title>{`${itemTitle(item)} · ${item.rules.join(', ')} · ${formatTime(item.start)}`}</title>
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
