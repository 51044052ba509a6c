/** The filter form of the audit log page: actor, action, target and a time range. */
import type { FormEvent, ReactNode } from 'react';

/** Filters of the audit log; empty text and null times filter nothing. */
export interface AuditFilter {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly from: number | null;
  readonly to: number | null;
}

function time(value: FormDataEntryValue | null): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The filter form; `onApply` receives the filter on submit. */
export function AdminAuditFilters({ onApply }: { readonly onApply: (filter: AuditFilter, e: FormEvent) => void }): ReactNode {
  const submit = (e: FormEvent<HTMLFormElement>): void => {
    const data = new FormData(e.currentTarget);
    const text = (k: string): string => String(data.get(k) ?? '').trim();
    onApply({ actor: text('actor'), action: text('action'), target: text('target'), from: time(data.get('from')), to: time(data.get('to')) }, e);
  };
  return (
    <form className="form admin-form-grid card" onSubmit={submit} aria-label="Filter the audit log">
      <label>
        Actor <input name="actor" maxLength={1024} placeholder="admin" />
      </label>
      <label>
        Action <input name="action" maxLength={1024} placeholder="camera_create" />
      </label>
      <label>
        Target <input name="target" maxLength={1024} />
      </label>
      <label>
        From <input name="from" type="datetime-local" />
      </label>
      <label>
        To <input name="to" type="datetime-local" />
      </label>
      <div className="admin-actions">
        <button type="submit">Filter</button>
        <button type="reset">Clear</button>
      </div>
    </form>
  );
}
