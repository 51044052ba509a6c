/** Stretches of continuous recording from the segment index, for the timeline. Pure. */
import type { RecordedSpan } from './recordings.ts';

/**
 * The stretches of continuous recording over [from, to): `segments` (oldest first) that follow
 * each other within `gapMs` join into one; each stretch is clipped to the range.
 */
export function recordedSpans(segments: readonly { readonly startTime: number; readonly endTime: number }[], from: number, to: number, gapMs: number): RecordedSpan[] {
  const spans: { start: number; end: number }[] = [];
  for (const s of segments) {
    const start = Math.max(from, s.startTime);
    const end = Math.min(to, s.endTime);
    if (end <= start) continue;
    const last = spans.at(-1);
    if (last !== undefined && start <= last.end + gapMs) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans;
}
