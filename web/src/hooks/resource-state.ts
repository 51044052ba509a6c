/**
 * The state of one loaded resource as a pure step function: which key it holds, its data, its
 * failure and whether a load is under way. Answers for a key no longer asked for are dropped; a
 * reload of the same key keeps showing the data it had (no flash) until the new answer comes.
 */

/** What the loader holds. */
export interface ResourceState<T> {
  readonly key: string | null;
  readonly data: T | null;
  readonly error: string | null;
  readonly loading: boolean;
}

/** What happened to a load. */
export type ResourceAction<T> =
  | { readonly type: 'start'; readonly key: string }
  | { readonly type: 'done'; readonly key: string; readonly data: T }
  | { readonly type: 'failed'; readonly key: string; readonly error: string };

/** What a page sees for the key it asks for now. */
export interface ResourceView<T> {
  readonly data: T | null;
  readonly error: string | null;
  readonly loading: boolean;
}

/** Nothing loaded yet. */
export const EMPTY_RESOURCE: ResourceState<never> = { key: null, data: null, error: null, loading: false };

/** The state after an action. */
export function resourceStep<T>(state: ResourceState<T>, action: ResourceAction<T>): ResourceState<T> {
  const same = state.key === action.key;
  switch (action.type) {
    case 'start':
      return { key: action.key, data: same ? state.data : null, error: same ? state.error : null, loading: true };
    case 'done':
      return same ? { key: action.key, data: action.data, error: null, loading: false } : state;
    case 'failed':
      return same ? { key: action.key, data: state.data, error: action.error, loading: false } : state;
  }
}

/** What the page asking for `key` sees: nothing of another key's data; loading until its own answer comes. */
export function resourceView<T>(state: ResourceState<T>, key: string | null): ResourceView<T> {
  if (key === null) return { data: null, error: null, loading: false };
  if (state.key !== key) return { data: null, error: null, loading: true };
  return { data: state.data, error: state.error, loading: state.loading };
}
