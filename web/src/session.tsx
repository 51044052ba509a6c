/** Who is signed in, shared by every page: loaded from /api/auth/me, set by login, cleared by logout. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, call, setCsrfToken } from './api/client.ts';
import { api } from './api/endpoints.ts';
import type { User } from './api/types.ts';

/** The signed-in user and the actions that change it. */
export interface Session {
  /** Undefined while loading, null when signed out. */
  readonly user: User | null | undefined;
  login(name: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** localStorage key remembering that this browser has a session (never the session itself, which is an HttpOnly cookie). */
const SIGNED_IN = 'sightline.signedIn';

/** Provides the session to the app. */
export function SessionProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    // Only ask the server when this browser signed in before: a signed-out visit makes no failing request.
    if (localStorage.getItem(SIGNED_IN) === null) {
      setUser(null);
      return;
    }
    call(api.me)
      .then((me) => {
        setCsrfToken(me.csrfToken);
        setUser(me.user);
      })
      .catch((e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.warn(e);
        localStorage.removeItem(SIGNED_IN);
        setUser(null);
      });
  }, []);
  const login = useCallback(async (name: string, password: string) => {
    const r = await call(api.login, { body: { name, password } });
    setCsrfToken(r.csrfToken);
    localStorage.setItem(SIGNED_IN, '1');
    setUser(r.user);
  }, []);
  const logout = useCallback(async () => {
    await call(api.logout).catch(() => null);
    localStorage.removeItem(SIGNED_IN);
    setCsrfToken(null);
    setUser(null);
  }, []);
  return <SessionContext.Provider value={{ user, login, logout }}>{children}</SessionContext.Provider>;
}

/** The current session (inside SessionProvider). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside SessionProvider');
  return s;
}
