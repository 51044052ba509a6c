/**
 * The selected event: snapshot, details, its clip played in place, an export link for operators
 * and admins, and for users who hold `video:unredacted` the export for the event's person.
 */
import { useState, type ReactNode } from 'react';
import type { SightlineEvent, User } from '../api/types.ts';
import { formatTime } from './ChartCameraPicker.tsx';
import { isSubjectEvent, SubjectExport } from './SubjectExport.tsx';

/** Margin around an event in its clip and export, ms (as the server's clip route). */
const MARGIN_MS = 5000;

function DataRows({ data }: { readonly data: Readonly<Record<string, unknown>> }): ReactNode {
  return Object.entries(data).map(([k, v]) => (
    <div key={k}>
      <dt>{k}</dt>
      <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
    </div>
  ));
}

interface Props {
  readonly event: SightlineEvent;
  readonly cameraName: string;
  readonly user: User;
  /** Whether the user holds the `video:unredacted` permission (as /api/auth/me says): it lets them export the event's person. */
  readonly mayExportSubject: boolean;
}

/** The details of one event (remount it with `key` per event, so its media state resets). */
export function ReviewDetail({ event, cameraName, user, mayExportSubject }: Props): ReactNode {
  const [clipFailed, setClipFailed] = useState(false);
  const [snapshotFailed, setSnapshotFailed] = useState(false);
  const id = encodeURIComponent(event.id);
  const from = event.startTime - MARGIN_MS;
  const to = (event.endTime ?? event.startTime + 10_000) + MARGIN_MS;
  return (
    <article className="review-detail card" aria-label="Selected event">
      <h2>
        {event.type.replace('_', ' ')} · {event.rule}
      </h2>
      <div className="review-media">
        {clipFailed ? (
          <p className="notice">No recording covers this event (recording may be off for this camera, or the footage has been deleted by retention).</p>
        ) : (
          <video controls preload="metadata" src={`/api/events/${id}/clip.mp4`} onError={() => setClipFailed(true)}>
            The clip of this event.
          </video>
        )}
        {event.snapshotPath !== null && !snapshotFailed && <img src={`/api/events/${id}/snapshot.jpg`} alt={`Snapshot of the ${event.type.replace('_', ' ')} on ${cameraName}`} onError={() => setSnapshotFailed(true)} />}
      </div>
      <dl className="review-facts">
        <div>
          <dt>Camera</dt>
          <dd>{cameraName}</dd>
        </div>
        <div>
          <dt>Start</dt>
          <dd>{formatTime(event.startTime)}</dd>
        </div>
        <div>
          <dt>End</dt>
          <dd>{event.endTime === null ? (event.type === 'intrusion' || event.type === 'loitering' || event.type === 'crowd' ? 'still open' : '—') : formatTime(event.endTime)}</dd>
        </div>
        <div>
          <dt>Class</dt>
          <dd>{event.class}</dd>
        </div>
        {event.trackId !== null && (
          <div>
            <dt>Track</dt>
            <dd>{event.trackId}</dd>
          </div>
        )}
        {event.direction !== null && (
          <div>
            <dt>Direction</dt>
            <dd>{event.direction}</dd>
          </div>
        )}
        <DataRows data={event.data} />
      </dl>
      {user.role !== 'viewer' && (
        <p>
          <a className="link-button" href={`/api/cameras/${encodeURIComponent(event.cameraId)}/export.mp4?from=${Math.max(0, from)}&to=${to}`} download>
            Export clip
          </a>
        </p>
      )}
      {mayExportSubject && isSubjectEvent(event) && <SubjectExport event={event} />}
    </article>
  );
}
