/** The filters of the review page: camera, type, rule, class and a from/to range. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { EVENT_TYPES } from '../../../src/core/rules/types.ts';
import type { Camera } from '../api/types.ts';
import { CameraPicker } from './ChartCameraPicker.tsx';

/** Object classes the rules can name. */
export const CLASSES = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'] as const;

/** The chosen filters; empty strings mean "any". `from` and `to` are datetime-local values. */
export interface ReviewFilter {
  readonly camera: string;
  readonly type: string;
  readonly rule: string;
  readonly cls: string;
  readonly from: string;
  readonly to: string;
}

/** A datetime-local value for an epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The epoch ms of a datetime-local value, or null when empty or invalid. */
export function fromLocalInput(value: string): number | null {
  if (value === '') return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : null;
}

/** The query string of the events route for a filter (without cursor). */
export function eventQuery(f: ReviewFilter): string {
  const q = new URLSearchParams({ limit: '200', order: 'desc' });
  if (f.camera !== '') q.set('camera', f.camera);
  if (f.type !== '') q.set('type', f.type);
  if (f.rule.trim() !== '') q.set('rule', f.rule.trim());
  if (f.cls !== '') q.set('class', f.cls);
  const from = fromLocalInput(f.from);
  const to = fromLocalInput(f.to);
  if (from !== null) q.set('from', String(Math.max(0, from)));
  if (to !== null) q.set('to', String(Math.max(0, to)));
  return q.toString();
}

/** The filter form; `onApply` gets the filter when submitted. */
export function ReviewFilters({ cameras, initial, onApply }: { readonly cameras: readonly Camera[]; readonly initial: ReviewFilter; readonly onApply: (f: ReviewFilter) => void }): ReactNode {
  const [f, setF] = useState(initial);
  const set = (patch: Partial<ReviewFilter>): void => setF((old) => ({ ...old, ...patch }));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onApply(f);
  };
  const bad = fromLocalInput(f.from) !== null && fromLocalInput(f.to) !== null && fromLocalInput(f.to)! <= fromLocalInput(f.from)!;
  return (
    <form className="review-filters form" onSubmit={submit} aria-label="Event filters">
      <CameraPicker cameras={cameras} value={f.camera} onChange={(camera) => set({ camera })} allLabel="All cameras" />
      <label>
        Type
        <select value={f.type} onChange={(e) => set({ type: e.target.value })}>
          <option value="">Any type</option>
          {EVENT_TYPES.map((t) => (
            <option key={t} value={t}>
              {t.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Rule
        <input value={f.rule} maxLength={256} placeholder="line or zone name" onChange={(e) => set({ rule: e.target.value })} />
      </label>
      <label>
        Class
        <select value={f.cls} onChange={(e) => set({ cls: e.target.value })}>
          <option value="">Any class</option>
          {CLASSES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="datetime-local" value={f.from} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label>
        To
        <input type="datetime-local" value={f.to} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <div className="review-apply">
        <button type="submit" disabled={bad}>
          Search
        </button>
        {bad && <span className="error"> “To” must be after “From”.</span>}
      </div>
    </form>
  );
}
