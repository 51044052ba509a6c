/**
 * The clip of a review item: the recording of the event that covers most of the item
 * (/api/events/:id/clip.mp4, from 5 s before that event to 5 s after it), with a scrubber scoped
 * to the item's span and a button per event of the item that jumps to it.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { ReviewItem } from '../../../src/core/review-items.ts';
import type { SightlineEvent } from '../api/types.ts';
import { typeWords } from './review-model.ts';

/** Margin of the server's clips before an event's start and after its end, ms (as src/api/routes/events.ts). */
const CLIP_MARGIN_MS = 5000;
/** Length the server gives an open event's clip after its start, ms. */
const OPEN_CLIP_MS = 10_000;

/** The range of an event's clip, epoch ms (as the server's clipRange). */
export function clipRangeOf(e: Pick<SightlineEvent, 'startTime' | 'endTime'>): { readonly from: number; readonly to: number } {
  return { from: Math.max(0, e.startTime - CLIP_MARGIN_MS), to: (e.endTime ?? e.startTime + OPEN_CLIP_MS) + CLIP_MARGIN_MS };
}

/** The event of the item whose clip covers most of the item's span. */
export function clipEventOf(item: ReviewItem<SightlineEvent>): SightlineEvent {
  const end = item.end ?? item.start + OPEN_CLIP_MS;
  let best = item.events[0]!;
  let cover = -1;
  for (const e of item.events) {
    const r = clipRangeOf(e);
    const c = Math.min(end, r.to) - Math.max(item.start, r.from);
    if (c > cover) {
      best = e;
      cover = c;
    }
  }
  return best;
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { timeStyle: 'medium' });

/** The item's clip and its scoped scrubber (remount it with `key` per item). */
export function ReviewClip({ item }: { readonly item: ReviewItem<SightlineEvent> }): ReactNode {
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  const [duration, setDuration] = useState<number | null>(null);
  const [at, setAt] = useState(0);
  // The clip chosen when the item is first shown stays while events join it live: a new source would
  // be a new clip job on the server, and the caller runs one at a time.
  const [source] = useState(() => clipEventOf(item));
  const range = clipRangeOf(source);
  // The scrubber spans the item, within the clip, with two seconds either side (the clip starts at a key frame near its range's start).
  const lo = Math.max(0, (item.start - range.from - 2000) / 1000);
  const hi = Math.min(duration ?? Number.POSITIVE_INFINITY, ((item.end ?? item.start + OPEN_CLIP_MS) - range.from + 2000) / 1000);
  const seek = (seconds: number): void => {
    const v = video.current;
    if (v === null) return;
    v.currentTime = Math.min(Math.max(seconds, lo), Math.max(lo, hi));
    setAt(v.currentTime);
  };
  const steps = (
    <ol className="review-steps" aria-label="Events of this item">
      {item.events.map((e) => {
        const words = `${clock(e.startTime)} · ${typeWords(e.type)} · ${e.rule}${e.direction === null ? '' : ` (${e.direction})`}`;
        return (
          <li key={e.id}>
            {duration === null ? (
              words
            ) : (
              <button type="button" className="link-button" onClick={() => seek((e.startTime - range.from) / 1000)}>
                {words}
              </button>
            )}
          </li>
        );
      })}
    </ol>
  );
  if (failed) {
    return (
      <div className="review-clip">
        <p className="notice">No recording covers this item (recording may be off for this camera, or the footage has been deleted by retention).</p>
        {steps}
      </div>
    );
  }
  return (
    <div className="review-clip">
      <video
        ref={video}
        controls
        preload="metadata"
        src={`/api/events/${encodeURIComponent(source.id)}/clip.mp4`}
        onError={() => setFailed(true)}
        onLoadedMetadata={(e) => setDuration(e.currentTarget.duration)}
        onTimeUpdate={(e) => {
          const v = e.currentTarget;
          setAt(v.currentTime);
          // Playback stays within the item.
          if (v.currentTime > hi && !v.paused) v.pause();
        }}
      >
        The clip of this item.
      </video>
      {duration !== null && hi > lo && (
        <label className="review-scrub">
          Position in this item
          <input
            type="range"
            min={lo}
            max={hi}
            step={0.1}
            value={Math.min(Math.max(at, lo), hi)}
            aria-valuetext={clock(range.from + at * 1000)}
            onChange={(e) => seek(Number(e.target.value))}
          />
          <span className="muted">{clock(range.from + at * 1000)}</span>
        </label>
      )}
      {steps}
    </div>
  );
}
