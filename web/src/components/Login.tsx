/** The sign-in form, with a pointer to the setup link while no admin exists. */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useSession } from '../session.tsx';

/** Sign-in page. */
export function Login(): ReactNode {
  const { login } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [setupOpen, setSetupOpen] = useState(false);
  useEffect(() => {
    void call(api.setupStatus).then((r) => setSetupOpen(r.open)).catch(() => setSetupOpen(false));
  }, []);
  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await login(String(data.get('name') ?? ''), String(data.get('password') ?? ''));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <h1>Sightline</h1>
      {setupOpen && <p className="notice">No admin exists yet: open the one-time setup link that the server printed when it started.</p>}
      <form onSubmit={(e) => void submit(e)} className="form" aria-label="Sign in">
        <label>
          User name <input name="name" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </main>
  );
}
