/**
 * The selected review item: its snapshot with the object marked, its clip with a scrubber scoped
 * to it and its events, the facts (camera, start, duration, rules), the button that marks it
 * reviewed, an export link for operators and admins, and for users who hold `video:unredacted` the
 * export for the item's person.
 */
import type { ReactNode } from 'react';
import { itemDuration, type ReviewItem } from '../../../src/core/review-items.ts';
import type { SightlineEvent, User } from '../api/types.ts';
import { href } from '../router.ts';
import { formatTime } from './ChartCameraPicker.tsx';
import { MarkedSnapshot } from './MarkedSnapshot.tsx';
import { clipRangeOf, ReviewClip } from './ReviewClip.tsx';
import { durationText, itemTitle, typeWords } from './review-model.ts';
import { isSubjectEvent, SubjectExport } from './SubjectExport.tsx';

interface Props {
  readonly item: ReviewItem<SightlineEvent>;
  readonly reviewed: boolean;
  readonly cameraName: string;
  readonly frameSize: { readonly width: number; readonly height: number } | null;
  readonly user: User;
  /** Whether the user holds the `video:unredacted` permission (as /api/auth/me says): it lets them export the item's person. */
  readonly mayExportSubject: boolean;
  /** Marks the item reviewed (true) or not. */
  readonly onReviewed: (reviewed: boolean) => void;
  /** While a mark is being saved. */
  readonly busy: boolean;
}

/** The details of one item (remount it with `key` per item, so its media state resets). */
export function ReviewDetail({ item, reviewed, cameraName, frameSize, user, mayExportSubject, onReviewed, busy }: Props): ReactNode {
  const title = itemTitle(item);
  const duration = itemDuration(item);
  const first = clipRangeOf(item.events[0]!);
  const last = clipRangeOf(item.events.reduce((a, b) => ((a.endTime ?? a.startTime) >= (b.endTime ?? b.startTime) ? a : b)));
  const subject = item.events.find((e) => isSubjectEvent(e)) ?? null;
  return (
    <article className="review-detail card" aria-label="Selected item">
      <h2>
        {title} · {item.rules.join(', ')}
      </h2>
      <p className="review-detail-actions">
        <span className={`severity ${item.severity}`}>{item.severity === 'alarm' ? 'Alarm' : 'Detection'}</span>
        <button type="button" disabled={busy} onClick={() => onReviewed(!reviewed)}>
          {reviewed ? 'Mark not reviewed' : 'Mark reviewed'}
        </button>
        {reviewed && <span className="muted"> Reviewed</span>}
      </p>
      <div className="review-media">
        <MarkedSnapshot event={item.cover} alt={`Snapshot of the ${typeWords(item.cover.type)} on ${cameraName}`} frameSize={frameSize} />
        <ReviewClip item={item} />
      </div>
      <dl className="review-facts">
        <div>
          <dt>Camera</dt>
          <dd>{cameraName}</dd>
        </div>
        <div>
          <dt>Start</dt>
          <dd>{formatTime(item.start)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration === null ? 'still open' : durationText(duration)}</dd>
        </div>
        <div>
          <dt>Rules</dt>
          <dd>{item.rules.join(', ')}</dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>{item.events.length}</dd>
        </div>
        <div>
          <dt>Class</dt>
          <dd>{item.class}</dd>
        </div>
        {item.trackId !== null && (
          <div>
            <dt>Track</dt>
            <dd>{item.trackId}</dd>
          </div>
        )}
      </dl>
      <p className="review-detail-links">
        <a className="link-button" href={href(`/recordings?camera=${encodeURIComponent(item.cameraId)}&t=${item.start}&span=600000`)}>
          Open in Recordings
        </a>
        {user.role !== 'viewer' && (
          <a className="link-button" href={`/api/cameras/${encodeURIComponent(item.cameraId)}/export.mp4?from=${first.from}&to=${last.to}`} download>
            Export clip
          </a>
        )}
      </p>
      {mayExportSubject && subject !== null && <SubjectExport event={subject} />}
    </article>
  );
}
