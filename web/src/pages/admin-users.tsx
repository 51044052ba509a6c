/** Users, for admins: the list, creating users, roles, disabling, password resets, camera permissions and API tokens. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { AdminStatus, type AdminNote } from '../components/AdminShared.tsx';
import { AdminTokens } from '../components/AdminTokens.tsx';
import { AdminUserRow } from '../components/AdminUserRow.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

function AdminUsers({ selfId }: { readonly selfId: string }): ReactNode {
  const users = useResource(api.users.path, (signal) => call(api.users, { signal }));
  const cams = useResource(api.cameras.path, (signal) => call(api.cameras, { signal }));
  const [note, setNote] = useState<AdminNote | null>(null);

  const create = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const body = { name: String(data.get('name') ?? '').trim(), password: String(data.get('password') ?? ''), role: String(data.get('role')) };
    try {
      const u = await call(api.addUser, { body });
      setNote({ ok: true, text: `User ${u.name} created.${body.role === 'admin' ? '' : ' Give them cameras below.'}` });
      form.reset();
      users.reload();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const changed = (): void => users.reload();

  const error = users.error ?? cams.error;
  return (
    <section className="admin">
      <h1>Users</h1>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <h2 id="users-title">Accounts</h2>
      <ul className="grid" aria-labelledby="users-title">
        {(users.data?.users ?? []).map((u) => (
          <AdminUserRow key={u.id} user={u} cameras={cams.data?.cameras ?? []} self={u.id === selfId} onChanged={changed} />
        ))}
      </ul>
      <form className="form card admin-form" onSubmit={(e) => void create(e)} aria-labelledby="new-user-title">
        <h2 id="new-user-title">Create a user</h2>
        <label>
          Name
          <input name="name" required maxLength={256} autoComplete="off" />
        </label>
        <label>
          Password (12 characters or more)
          <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            <option value="viewer">viewer: watches the cameras granted</option>
            <option value="operator">operator: also exports video</option>
            <option value="admin">admin: everything</option>
          </select>
        </label>
        <button type="submit">Create user</button>
        <AdminStatus note={note} />
      </form>
      <AdminTokens />
    </section>
  );
}

/** The Users page. */
export const adminUsersPage: PageEntry = { path: 'users', title: 'Users', nav: true, adminOnly: true, render: ({ user }) => <AdminUsers selfId={user.id} /> };
