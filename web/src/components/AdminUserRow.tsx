/** One user in the administration list: role, disable/enable, the unredacted-video permission, password reset and per-camera permissions. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Camera } from '../api/types.ts';
import { AdminStatus, formatTime, type AdminNote, type AdminUser } from './AdminShared.tsx';

/** A user card; `onChanged` receives the user as the server now holds them. */
export function AdminUserRow({ user, cameras, self, onChanged }: { readonly user: AdminUser; readonly cameras: readonly Camera[]; readonly self: boolean; readonly onChanged: (u: AdminUser) => void }): ReactNode {
  const [note, setNote] = useState<AdminNote | null>(null);
  const [grants, setGrants] = useState<ReadonlySet<string>>(() => new Set(user.cameras));
  const params = { id: user.id };

  const patch = async (body: Record<string, unknown>, done: string): Promise<boolean> => {
    try {
      onChanged(await call(api.updateUser, { params, body }));
      setNote({ ok: true, text: done });
      return true;
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
      return false;
    }
  };

  const resetPassword = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const form = e.currentTarget;
    const password = String(new FormData(form).get('password') ?? '');
    if (await patch({ password }, `Password of ${user.name} reset; their sessions were ended.`)) form.reset();
  };

  const saveGrants = async (): Promise<void> => {
    try {
      onChanged(await call(api.setUserCameras, { params, body: { cameras: [...grants] } }));
      setNote({ ok: true, text: 'Camera permissions saved.' });
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const toggle = (id: string, on: boolean): void => {
    const next = new Set(grants);
    if (on) next.add(id);
    else next.delete(id);
    setGrants(next);
  };

  return (
    <li className="card admin-user">
      <h3>
        {user.name} {self && <span className="muted">(you)</span>} {user.disabled && <span className="error">(disabled)</span>}
      </h3>
      <p className="muted admin-small">Created {formatTime(user.createdAt)}</p>
      <div className="admin-actions">
        <label>
          Role{' '}
          <select value={user.role} disabled={self} onChange={(e) => void patch({ role: e.target.value }, `Role of ${user.name} changed; their sessions were ended.`)}>
            <option value="admin">admin</option>
            <option value="operator">operator</option>
            <option value="viewer">viewer</option>
          </select>
        </label>
        <button type="button" disabled={self} onClick={() => void patch({ disabled: !user.disabled }, user.disabled ? `${user.name} enabled.` : `${user.name} disabled; their sessions were ended.`)}>
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
      </div>
      {user.role === 'viewer' ? (
        <p className="muted admin-small">Viewers always see faces and heads redacted.</p>
      ) : (
        <label className="admin-check">
          <input
            type="checkbox"
            checked={user.unredactedVideo}
            onChange={(e) =>
              void patch(
                { unredactedVideo: e.target.checked },
                e.target.checked ? `${user.name} may now ask for unredacted video, with a written reason, for a limited time.` : `${user.name} may no longer ask for unredacted video; their running grants were ended.`,
              )
            }
          />{' '}
          May ask for unredacted video (with a written reason, one camera, for a limited time; audited)
        </label>
      )}
      <form className="admin-actions" onSubmit={(e) => void resetPassword(e)}>
        <label>
          New password <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <button type="submit">Reset password</button>
      </form>
      {user.role === 'admin' ? (
        <p className="muted admin-small">Admins see every camera.</p>
      ) : (
        <fieldset className="admin-grants">
          <legend>Cameras {user.name} may see</legend>
          {cameras.length === 0 && <span className="muted">No cameras yet.</span>}
          {cameras.map((c) => (
            <label key={c.id} className="admin-check">
              <input type="checkbox" checked={grants.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} /> {c.name}
            </label>
          ))}
          <button type="button" onClick={() => void saveGrants()}>
            Save permissions
          </button>
        </fieldset>
      )}
      <AdminStatus note={note} />
    </li>
  );
}
