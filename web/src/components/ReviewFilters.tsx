/** The filters of the review page: camera, severity, reviewed or not, and a from/to range. */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Camera } from '../api/types.ts';
import { CameraPicker } from './ChartCameraPicker.tsx';
import type { ReviewItemFilter } from './review-model.ts';

/** The chosen filters; empty strings mean "any". `from` and `to` are datetime-local values. */
export interface ReviewFilter {
  readonly camera: string;
  readonly severity: ReviewItemFilter['severity'];
  readonly reviewed: ReviewItemFilter['reviewed'];
  readonly from: string;
  readonly to: string;
}

/** A datetime-local value for an epoch ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The filter as the page's model and the review route take it (epoch ms for the range). */
export function itemFilterOf(f: ReviewFilter): ReviewItemFilter {
  return { camera: f.camera, severity: f.severity, reviewed: f.reviewed, from: fromLocalInput(f.from), to: fromLocalInput(f.to) };
}

/** The epoch ms of a datetime-local value, or null when empty or invalid. */
export function fromLocalInput(value: string): number | null {
  if (value === '') return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : null;
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
    <form className="review-filters form" onSubmit={submit} aria-label="Review filters">
      <CameraPicker cameras={cameras} value={f.camera} onChange={(camera) => set({ camera })} allLabel="All cameras" />
      <label>
        Severity
        <select value={f.severity} onChange={(e) => set({ severity: e.target.value as ReviewFilter['severity'] })}>
          <option value="">Alarms and detections</option>
          <option value="alarm">Alarms</option>
          <option value="detection">Detections</option>
        </select>
      </label>
      <label>
        Reviewed
        <select value={f.reviewed} onChange={(e) => set({ reviewed: e.target.value as ReviewFilter['reviewed'] })}>
          <option value="">Reviewed or not</option>
          <option value="false">Not reviewed</option>
          <option value="true">Reviewed</option>
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
