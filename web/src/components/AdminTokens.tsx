/** API tokens for machines: list, create with scopes (the value is shown once) and revoke. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useResource } from '../hooks/use-resource.ts';
import { AdminStatus, formatTime, TOKEN_SCOPES, type AdminNote, type AdminToken } from './AdminShared.tsx';

/** The API tokens section of the users page. */
export function AdminTokens(): ReactNode {
  const { data, error, reload } = useResource(api.tokens.path, (signal) => call(api.tokens, { signal }));
  const [note, setNote] = useState<AdminNote | null>(null);
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);

  const create = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const scopes = data.getAll('scopes').map(String);
    if (scopes.length === 0) {
      setNote({ ok: false, text: 'Pick at least one scope.' });
      return;
    }
    const days = Number(data.get('days') ?? 0);
    const body = { name: String(data.get('name') ?? '').trim(), scopes, ...(days > 0 ? { expiresAt: Date.now() + days * 86_400_000 } : {}) };
    try {
      const r = await call(api.addToken, { body });
      setMade({ name: r.name, token: r.token });
      setNote(null);
      form.reset();
      reload();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  const revoke = async (t: AdminToken): Promise<void> => {
    if (!window.confirm(`Revoke the token ${t.name}? Machines using it lose access at once.`)) return;
    try {
      await call(api.revokeToken, { params: { id: t.id } });
      setNote({ ok: true, text: `Token ${t.name} revoked.` });
      reload();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {made !== null && (
        <div className="notice admin-token-made" role="status">
          <p>
            Token <strong>{made.name}</strong> made. Copy it now: it is shown this once.
          </p>
          <code className="admin-token">{made.token}</code>
          <button type="button" onClick={() => setMade(null)}>
            I have stored it
          </button>
        </div>
      )}
      {data !== null && data.tokens.length > 0 && (
        <div className="admin-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {data.tokens.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{t.scopes.join(', ')}</td>
                  <td>
                    {formatTime(t.createdAt)} by {t.createdBy}
                  </td>
                  <td>{t.expiresAt === null ? 'never' : formatTime(t.expiresAt)}</td>
                  <td>{formatTime(t.lastUsedAt)}</td>
                  <td>
                    {t.revokedAt !== null ? (
                      <span className="muted">revoked {formatTime(t.revokedAt)}</span>
                    ) : (
                      <button type="button" className="admin-danger" onClick={() => void revoke(t)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data !== null && data.tokens.length === 0 && <p className="muted">No API tokens.</p>}
      <form className="form card admin-form" onSubmit={(e) => void create(e)} aria-label="Make an API token">
        <h3>Make a token</h3>
        <label>
          Name (letters, digits, ., _ or -)
          <input name="name" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" autoComplete="off" />
        </label>
        <fieldset className="admin-grants">
          <legend>Scopes</legend>
          {TOKEN_SCOPES.map((s) => (
            <label key={s} className="admin-check">
              <input type="checkbox" name="scopes" value={s} /> {s}
            </label>
          ))}
        </fieldset>
        <label>
          Expires after (days, 0 for never)
          <input name="days" type="number" min={0} max={3650} defaultValue={90} />
        </label>
        <button type="submit">Make token</button>
      </form>
      <AdminStatus note={note} />
    </section>
  );
}
