/**
 * Under an event of a tracked person, for a user who holds the `video:unredacted` permission (as
 * /api/auth/me says): "Export for this person…" asks for a written reason, then downloads the
 * event's clip with that person's face and head visible and everyone else's pixelated (a
 * subject-access export; the server audits it with the reason). The whole clip is analysed again,
 * so the download takes a while.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { UNREDACTED_REASON_CHARS } from '../../../src/core/access.ts';
import { errorText, postForFile } from '../api/client.ts';
import type { SightlineEvent } from '../api/types.ts';

/** Whether an event follows one tracked person whose box it kept: only such an event can be exported for that person. */
export function isSubjectEvent(event: Pick<SightlineEvent, 'trackId' | 'class' | 'data'>): boolean {
  const box = event.data.box;
  return event.trackId !== null && event.class === 'person' && Array.isArray(box) && box.length === 4;
}

/** Hands a file to the browser as a download. */
function save(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; the URL is no longer needed once it has been read.
  window.setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** The subject-access export of one event (render it only for users who hold the permission, and for events {@link isSubjectEvent} accepts). */
export function SubjectExport({ event }: { readonly event: Pick<SightlineEvent, 'id' | 'startTime'> }): ReactNode {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const file = await postForFile(`/api/events/${encodeURIComponent(event.id)}/subject-export.mp4`, { reason });
      const name = file.name ?? `event-${event.startTime}-subject.mp4`;
      save(file.blob, name);
      setSaved(name);
      setAsking(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="subject-export">
      {!asking && (
        <button type="button" onClick={() => setAsking(true)}>
          Export for this person…
        </button>
      )}
      {asking && (
        <form className="form" onSubmit={(e) => void submit(e)} aria-label="Export for this person">
          <p className="muted">The clip with this person&apos;s face and head visible and everyone else&apos;s hidden, for a subject-access request. The export is kept in the audit log with your reason.</p>
          <label>
            Why do you export this person unredacted? ({UNREDACTED_REASON_CHARS.min} to {UNREDACTED_REASON_CHARS.max} characters; kept in the audit log)
            <textarea name="reason" required minLength={UNREDACTED_REASON_CHARS.min} maxLength={UNREDACTED_REASON_CHARS.max} />
          </label>
          <button type="submit" disabled={busy}>
            Export
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>
            Cancel
          </button>
          {busy && (
            <p role="status" className="muted">
              Exporting: the clip is analysed again to find everyone in it, which takes a while…
            </p>
          )}
        </form>
      )}
      {saved !== null && !asking && <p role="status">Exported as {saved}.</p>}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
