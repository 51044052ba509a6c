/**
 * The one data-loading hook of the web app: loads what `key` names with `load`, again whenever the
 * key changes or `reload` is called, aborts the request it no longer needs (a stale key, a reload,
 * unmounting), and gives the data, the failure as text for people, and whether it is loading.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { errorText } from '../api/client.ts';
import { EMPTY_RESOURCE, resourceStep, resourceView, type ResourceAction, type ResourceState, type ResourceView } from './resource-state.ts';

/** A loaded resource and the way to load it again. */
export interface Resource<T> extends ResourceView<T> {
  /** Loads the current key again (the data shown stays until the new answer comes). */
  readonly reload: () => void;
}

/**
 * Loads a resource. `key` names what is loaded (usually its URL; null loads nothing); `load` gets an
 * AbortSignal to pass to `call` and may change between renders (the newest is used).
 */
export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [state, dispatch] = useReducer((s: ResourceState<T>, a: ResourceAction<T>) => resourceStep(s, a), EMPTY_RESOURCE);
  const [generation, setGeneration] = useState(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    if (key === null) return;
    const abort = new AbortController();
    dispatch({ type: 'start', key });
    loader.current(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) dispatch({ type: 'done', key, data });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) dispatch({ type: 'failed', key, error: errorText(error) });
      },
    );
    return () => abort.abort();
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...resourceView(state, key), reload };
}
