/**
 * Under a camera's live view: whether the video is redacted, and for a user who holds the
 * `video:unredacted` permission (as /api/auth/me says) the way to ask for it with a written reason
 * and a duration; while their grant runs, "Unredacted until HH:MM — reason: …" with "End now".
 * Everyone else reads that faces and heads are hidden.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { UNREDACTED_REASON_CHARS } from '../../../src/core/access.ts';
import { call, errorText, urlOf } from '../api/client.ts';
import { api, type Answer } from '../api/endpoints.ts';
import { useResource } from '../hooks/use-resource.ts';

/** A grant of unredacted video as the API shows it. */
export type UnredactedGrant = Answer<typeof api.requestUnredacted>;

/** Default duration offered, minutes (the server's default is the same unless configured otherwise). */
const DEFAULT_MINUTES = 15;

/** Epoch ms as local HH:MM. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

const REDACTED = 'Faces and heads are hidden (redacted).';

/** The soonest the grants are asked again after an answer that still shows the grant running, ms. */
const RECHECK_MIN_MS = 5000;

interface Props {
  readonly cameraId: string;
  /** Called with the id of the caller's grant on this camera while it runs, null otherwise (the player reconnects on a change). */
  readonly onGrant?: (grantId: string | null) => void;
}

/** The redaction state of one camera's live view, and the request for unredacted video. */
export function UnredactedPanel({ cameraId, onGrant }: Props): ReactNode {
  const me = useResource(api.me.path, (signal) => call(api.me, { signal }));
  const may = me.data?.mayRequestUnredacted === true;
  const query = { active: 'true', camera: cameraId };
  const grants = useResource(may ? urlOf(api.unredactedGrants.path, undefined, query) : null, (signal) => call(api.unredactedGrants, { query, signal }));
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const userId = me.data?.user.id;
  // Admins list everyone's grants: only the caller's own unlocks their video. Whether it runs is the
  // server's word (`active`): this browser's clock may differ from the server's.
  const mine = may ? (grants.data?.grants.find((g) => g.userId === userId && g.active) ?? null) : null;
  const mineId = mine?.id ?? null;

  const report = onGrant;
  useEffect(() => {
    report?.(mineId);
  }, [mineId, report]);

  // When the grant runs out the list is asked again, and the view goes back to redacted. With a
  // browser clock ahead of the server's this asks every few seconds until the server says so.
  const expiresAt = mine?.expiresAt;
  const reload = grants.reload;
  const data = grants.data;
  useEffect(() => {
    if (expiresAt === undefined) return;
    const t = window.setTimeout(reload, Math.max(RECHECK_MIN_MS, expiresAt - Date.now() + 250));
    return () => window.clearTimeout(t);
  }, [expiresAt, reload, data]);

  if (!may) {
    return (
      <div className="live-redaction" aria-busy={me.data === null ? 'true' : 'false'}>
        <p>{REDACTED}</p>
      </div>
    );
  }

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const reason = String(data.get('reason') ?? '').trim();
    const minutes = Number(data.get('minutes'));
    setBusy(true);
    try {
      await call(api.requestUnredacted, { params: { id: cameraId }, body: { reason, minutes } });
      setError(null);
      setAsking(false);
      grants.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const end = async (id: string): Promise<void> => {
    setBusy(true);
    try {
      await call(api.endUnredacted, { params: { id } });
      setError(null);
      grants.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const failure = error ?? grants.error;
  return (
    <div className={mine === null ? 'live-redaction' : 'live-redaction live-unredacted'} aria-busy={grants.data === null ? 'true' : 'false'}>
      {mine === null ? (
        <>
          <p>{REDACTED}</p>
          {!asking && (
            <button type="button" onClick={() => setAsking(true)}>
              View unredacted…
            </button>
          )}
        </>
      ) : (
        <>
          <p role="status">
            Unredacted until {clockTime(mine.expiresAt)} — reason: {mine.reason}
          </p>
          <button type="button" disabled={busy} onClick={() => void end(mine.id)}>
            End now
          </button>
        </>
      )}
      {mine === null && asking && (
        <form className="form" onSubmit={(e) => void submit(e)} aria-label="Ask for unredacted video">
          <label>
            Why do you need to see faces and heads? ({UNREDACTED_REASON_CHARS.min} to {UNREDACTED_REASON_CHARS.max} characters; kept in the audit log)
            <textarea name="reason" required minLength={UNREDACTED_REASON_CHARS.min} maxLength={UNREDACTED_REASON_CHARS.max} />
          </label>
          <label>
            For how many minutes (up to the server&apos;s maximum)
            <input name="minutes" type="number" required min={1} max={1440} step={1} defaultValue={DEFAULT_MINUTES} />
          </label>
          <button type="submit" disabled={busy}>
            View unredacted
          </button>{' '}
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      )}
      {failure !== null && (
        <p role="alert" className="error">
          {failure}
        </p>
      )}
    </div>
  );
}
