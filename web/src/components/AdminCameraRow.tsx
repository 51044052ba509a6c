/** One camera in the administration table: its settings and health, an edit panel and delete. */
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
      {(editing || note !== null) && (
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
            <AdminStatus note={note} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
