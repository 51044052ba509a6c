/**
 * An event's snapshot with its object marked: the picture from /api/events/:id/snapshot.jpg (which
 * the server passes through redaction for the viewer) and, over it, an SVG rectangle at the
 * event's box, in the pixels of the camera's analysed picture.
 */
import { useState, type ReactNode } from 'react';
import { boxOf } from '../../../src/core/review-items.ts';
import type { SightlineEvent } from '../api/types.ts';

interface Props {
  readonly event: SightlineEvent;
  /** What the picture shows, for people who cannot see it; empty for a thumbnail inside a control that says it in words. */
  readonly alt: string;
  /** The size of the camera's analysed picture (the space of the box), when known; else the snapshot's own. */
  readonly frameSize: { readonly width: number; readonly height: number } | null;
  /** A small thumbnail (lazy, in the list) or the large picture of the detail. */
  readonly small?: boolean;
}

/** The snapshot of an event with a rectangle around its object; a placeholder when it has none. */
export function MarkedSnapshot({ event, alt, frameSize, small = false }: Props): ReactNode {
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const className = `marked-snapshot${small ? ' small' : ''}`;
  if (event.snapshotPath === null || failed) {
    return (
      <span className={`${className} none`} {...(alt === '' ? { 'aria-hidden': true } : { role: 'img', 'aria-label': `${alt}: no snapshot` })}>
        No snapshot
      </span>
    );
  }
  const box = boxOf(event);
  const space = frameSize ?? natural;
  return (
    <span className={className}>
      <img
        src={`/api/events/${encodeURIComponent(event.id)}/snapshot.jpg`}
        alt={box === null || alt === '' ? alt : `${alt}, the ${event.class} marked`}
        loading={small ? 'lazy' : 'eager'}
        onLoad={(e) => setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })}
        onError={() => setFailed(true)}
      />
      {box !== null && space !== null && natural !== null && (
        <svg className="marked-box" viewBox={`0 0 ${space.width} ${space.height}`} preserveAspectRatio="none" aria-hidden="true">
          <rect x={box[0]} y={box[1]} width={box[2]} height={box[3]} vectorEffect="non-scaling-stroke" />
        </svg>
      )}
    </span>
  );
}
