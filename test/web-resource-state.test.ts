/** The data-loading hook's state: which answers count, what a page sees, reloads without a flash. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_RESOURCE, resourceStep, resourceView, type ResourceAction, type ResourceState, type ResourceView } from '../web/src/hooks/resource-state.ts';

function run(actions: readonly ResourceAction<string>[]): ResourceState<string> {
  return actions.reduce<ResourceState<string>>((s, a) => resourceStep(s, a), EMPTY_RESOURCE);
}

test('resource state: steps in, what the page asking for a key sees out', () => {
  const cases: [string, ResourceAction<string>[], string | null, ResourceView<string>][] = [
    ['nothing asked', [], null, { data: null, error: null, loading: false }],
    ['before the first start', [], 'a', { data: null, error: null, loading: true }],
    ['loading', [{ type: 'start', key: 'a' }], 'a', { data: null, error: null, loading: true }],
    ['loaded', [{ type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }], 'a', { data: 'A', error: null, loading: false }],
    ['failed', [{ type: 'start', key: 'a' }, { type: 'failed', key: 'a', error: 'boom' }], 'a', { data: null, error: 'boom', loading: false }],
    ['reload keeps the data until the answer', [{ type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }, { type: 'start', key: 'a' }], 'a', { data: 'A', error: null, loading: true }],
    ['reload answered', [{ type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }, { type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A2' }], 'a', { data: 'A2', error: null, loading: false }],
    ['failed reload keeps the data and says why', [{ type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }, { type: 'start', key: 'a' }, { type: 'failed', key: 'a', error: 'offline' }], 'a', { data: 'A', error: 'offline', loading: false }],
    ['a success clears the failure', [{ type: 'start', key: 'a' }, { type: 'failed', key: 'a', error: 'x' }, { type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }], 'a', { data: 'A', error: null, loading: false }],
    ['a new key drops the old data', [{ type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }, { type: 'start', key: 'b' }], 'b', { data: null, error: null, loading: true }],
    ['a stale answer is dropped', [{ type: 'start', key: 'a' }, { type: 'start', key: 'b' }, { type: 'done', key: 'a', data: 'A' }], 'b', { data: null, error: null, loading: true }],
    ['a stale failure is dropped', [{ type: 'start', key: 'a' }, { type: 'start', key: 'b' }, { type: 'failed', key: 'a', error: 'x' }, { type: 'done', key: 'b', data: 'B' }], 'b', { data: 'B', error: null, loading: false }],
    ['the page moved on before the start', [{ type: 'start', key: 'a' }, { type: 'done', key: 'a', data: 'A' }], 'b', { data: null, error: null, loading: true }],
  ];
  for (const [name, actions, key, want] of cases) assert.deepEqual(resourceView(run(actions), key), want, name);
});
