/** Hash routing: `#/live/<id>` and the like; no server round trip, no dependency. */
import { useEffect, useState } from 'react';

/** The current route as path segments, e.g. `['live', 'abc']`, and its query parameters. */
export interface Route {
  readonly parts: readonly string[];
  readonly query: URLSearchParams;
}

function parse(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { parts: path.split('/').filter((p) => p !== '').map(decodeURIComponent), query: new URLSearchParams(query) };
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parse(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Goes to a route, e.g. `navigate('/live/abc')`. */
export function navigate(path: string): void {
  location.hash = `#${path}`;
}

/** The href of a route, for links. */
export function href(path: string): string {
  return `#${path}`;
}
