/** One camera in the administration table: its settings and health, an edit panel, delete, and "delete footage" for erasure requests. */
import { Fragment, useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Camera } from '../api/types.ts';
import type { Analytic } from '../../../src/core/purpose.ts';
import { href } from '../router.ts';
import { AdminStatus, type AdminNote } from './AdminShared.tsx';
import { PurposeFields } from './PurposeFields.tsx';
import { allowsText } from './purpose-text.ts';

const COLUMNS = 8;

/** A camera row; `onChanged` reloads the list after an edit or delete. */
export function AdminCameraRow({ camera, onChanged }: { readonly camera: Camera; readonly onChanged: () => void }): ReactNode {
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [note, setNote] = useState<AdminNote | null>(null);
  const [statement, setStatement] = useState(camera.purpose.statement);
  const [allows, setAllows] = useState<readonly Analytic[]>(camera.purpose.allows);
  const toggleEditing = (): void => {
    // Opening the panel starts from the camera as it is now (it may have changed since this row mounted).
    if (!editing) {
      setStatement(camera.purpose.statement);
      setAllows(camera.purpose.allows);
    }
    setEditing(!editing);
  };
  const readOnly = camera.managedBy === 'config';

  const remove = async (): Promise<void> => {
    if (!window.confirm(`Delete camera ${camera.name} with all its events, counts and recordings? This cannot be undone.`)) return;
    try {
      await call(api.removeCamera, { params: { id: camera.id } });
      onChanged();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const save = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const url = String(data.get('url') ?? '').trim();
    const patch = {
      enabled: data.get('enabled') === 'on',
      purpose: { statement: statement.trim(), allows: [...allows] },
      fps: Number(data.get('fps')),
      record: { ...camera.record, mode: String(data.get('mode')) },
      ...(url !== camera.url ? { url } : {}),
    };
    try {
      await call(api.updateCamera, { params: { id: camera.id }, body: patch });
      setNote({ ok: true, text: 'Saved; the camera restarts with its new settings.' });
      setEditing(false);
      onChanged();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const erase = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const range = erasureRange(new FormData(e.currentTarget));
    if (typeof range === 'string') {
      setNote({ ok: false, text: range });
      return;
    }
    const { from, to, reason } = range;
    const span = `${new Date(from).toLocaleString()} to ${new Date(to).toLocaleString()}`;
    if (!window.confirm(`Delete all footage of ${camera.name} from ${span}: its recordings, events and snapshots? This cannot be undone.`)) return;
    try {
      const done = await call(api.eraseFootage, { params: { id: camera.id }, body: { from, to, reason } });
      setNote({ ok: true, text: `Deleted ${done.segments} recorded segments, ${done.events} events and ${done.snapshots} snapshots of ${span}; the erasure is in the audit log.` });
      setErasing(false);
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const h = camera.health;
  return (
    <Fragment>
      <tr>
        <th scope="row">
          {camera.name}
          <div className="muted admin-small" title={camera.purpose.statement}>
            allows: {allowsText(camera.purpose.allows)}
          </div>
        </th>
        <td className="admin-url">{camera.url}</td>
        <td>{readOnly ? <span title="Defined in sightline.yml: change it there">config file</span> : 'API'}</td>
        <td>{camera.enabled ? 'yes' : 'no'}</td>
        <td>{camera.record.mode}</td>
        <td>
          <span className={`admin-state admin-state-${h.state}`}>{h.state}</span>
          {h.lastError !== null && <div className="error admin-small">{h.lastError}</div>}
        </td>
        <td>
          {h.fps.toFixed(1)} / {h.analysedFps.toFixed(1)}
        </td>
        <td className="admin-actions">
          <a href={href(`/editor/${encodeURIComponent(camera.id)}`)}>Zones &amp; lines</a>
          <button type="button" onClick={() => setErasing(!erasing)} aria-expanded={erasing}>
            {erasing ? 'Close' : 'Delete footage'}
          </button>
          {!readOnly && (
            <>
              <button type="button" onClick={toggleEditing} aria-expanded={editing}>
                {editing ? 'Close' : 'Edit'}
              </button>
              <button type="button" className="admin-danger" onClick={() => void remove()}>
                Delete
              </button>
            </>
          )}
        </td>
      </tr>
      {(editing || erasing || note !== null) && (
        <tr className="admin-subrow">
          <td colSpan={COLUMNS}>
            {editing && (
              <form className="form admin-form-grid" onSubmit={(e) => void save(e)} aria-label={`Edit ${camera.name}`}>
                <label>
                  Stream URL (no user or password in it)
                  <input name="url" defaultValue={camera.url} required maxLength={2048} autoComplete="off" />
                </label>
                <PurposeFields statement={statement} allows={allows} onStatement={setStatement} onAllows={setAllows} />
                <label>
                  Frames per second analysed
                  <input name="fps" type="number" min={0.5} max={30} step={0.5} defaultValue={camera.fps} required />
                </label>
                <label>
                  Recording
                  <select name="mode" defaultValue={camera.record.mode}>
                    <option value="continuous">Continuous</option>
                    <option value="events">Around events only</option>
                    <option value="off">Off</option>
                  </select>
                </label>
                <label className="admin-check">
                  <input name="enabled" type="checkbox" defaultChecked={camera.enabled} /> Enabled
                </label>
                <div className="admin-actions">
                  <button type="submit">Save</button>
                </div>
              </form>
            )}
            {erasing && (
              <form className="form admin-form-grid" onSubmit={(e) => void erase(e)} aria-label={`Delete footage of ${camera.name}`}>
                <label>
                  From (local time)
                  <input name="from" type="datetime-local" step={1} required />
                </label>
                <label>
                  To (local time)
                  <input name="to" type="datetime-local" step={1} required />
                </label>
                <label>
                  Reason (kept in the audit log)
                  <input name="reason" required minLength={3} maxLength={500} placeholder="Erasure request of …" />
                </label>
                <div className="admin-actions">
                  <button type="submit" className="admin-danger">
                    Delete footage
                  </button>
                </div>
              </form>
            )}
            <AdminStatus note={note} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** The range and reason of the "delete footage" form, or what is wrong with them. */
function erasureRange(data: FormData): { readonly from: number; readonly to: number; readonly reason: string } | string {
  const from = new Date(String(data.get('from') ?? '')).getTime();
  const to = new Date(String(data.get('to') ?? '')).getTime();
  const reason = String(data.get('reason') ?? '').trim();
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'Give the start and the end of the footage to delete.';
  if (to <= from) return 'The end must be after the start.';
  if (reason.length < 3) return 'Give the reason for the erasure (it is kept in the audit log).';
  return { from, to, reason };
}
