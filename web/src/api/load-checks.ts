/**
 * Loads checks.ts (Zod and the server's schemas) as its own chunk: vite splits this dynamic
 * import out of the startup bundle. main.tsx starts the load right after the first render, so it
 * runs while the first request is in flight; `call` awaits it with its fetch.
 */
import type * as ChecksModule from './checks.ts';

/** The checks module: response schemas by endpoint name, the error and message schemas, the rules schema and `issuesText`. */
export type Checks = typeof ChecksModule;

let loading: Promise<Checks> | null = null;
let loaded: Checks | null = null;

/** The checks, loaded once (a failed load is retried by the next call). */
export function loadChecks(): Promise<Checks> {
  loading ??= import('./checks.ts').then(
    (m) => {
      loaded = m;
      return m;
    },
    (e: unknown) => {
      loading = null;
      throw new Error(`This page could not load its checks of the server's answers (${e instanceof Error ? e.message : String(e)}). Reload the page; if that does not help, the web app may have been updated meanwhile.`, { cause: e });
    },
  );
  return loading;
}

/**
 * The checks, for code whose data can only exist once they are loaded (it came from a `call`,
 * which awaits them). Throws when they are not loaded yet: a bug of the caller, which should
 * await `loadChecks()` instead.
 */
export function checksNow(): Checks {
  if (loaded === null) throw new Error('checksNow() was called before loadChecks() finished: this caller must await loadChecks() first.');
  return loaded;
}
