/** The audit log, for admins: the hash chain's verification, filters and paging. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { AdminAuditFilters, type AuditFilter } from '../components/AdminAuditFilters.tsx';
import { call, urlOf, type Query } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { formatTime } from '../components/AdminShared.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

const PAGE = 50;

function auditQuery(filter: AuditFilter, afterSeq: number): Query {
  const text = (v: string): string | null => (v === '' ? null : v);
  return { actor: text(filter.actor), action: text(filter.action), target: text(filter.target), from: filter.from, to: filter.to, afterSeq: afterSeq > 0 ? afterSeq : null, limit: PAGE };
}

function Verify(): ReactNode {
  const { data, error, reload } = useResource(api.auditVerify.path, (signal) => call(api.auditVerify, { signal }));
  return (
    <div className={`card admin-verify ${data === null ? '' : data.ok ? 'admin-verify-ok' : 'admin-verify-bad'}`} role="status">
      {error !== null && <p className="error">Could not verify the log: {error}</p>}
      {data === null && error === null && <p>Verifying the hash chain…</p>}
      {data?.ok === true && (
        <p>
          <strong>Intact:</strong> the hash chain of all {data.entries} entries checks out
          {data.purgedThrough === undefined ? '.' : `, from the sealed checkpoint of entry ${data.purgedThrough} (the entries before it were deleted by retention).`}
        </p>
      )}
      {data?.ok === false && (
        <p>
          <strong>Broken at entry {data.firstBadSeq}:</strong> {data.reason}. Entries from there on may have been changed or removed.
        </p>
      )}
      <button type="button" onClick={() => void reload()}>
        Verify again
      </button>
    </div>
  );
}

function AdminAudit(): ReactNode {
  const [filter, setFilter] = useState<AuditFilter>({ actor: '', action: '', target: '', from: null, to: null });
  const [starts, setStarts] = useState<readonly number[]>([0]);
  const afterSeq = starts[starts.length - 1] ?? 0;
  const query = auditQuery(filter, afterSeq);
  const { data, error } = useResource(urlOf(api.audit.path, {}, query), (signal) => call(api.audit, { query, signal }));
  const entries = data?.entries ?? [];
  const last = entries[entries.length - 1];

  const apply = (f: AuditFilter, e: FormEvent): void => {
    e.preventDefault();
    setFilter(f);
    setStarts([0]);
  };

  return (
    <section className="admin">
      <h1>Audit log</h1>
      <Verify />
      <AdminAuditFilters onApply={apply} />
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="admin-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{formatTime(e.time)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.target ?? '—'}</td>
                <td className="admin-details">{Object.keys(e.details).length === 0 ? '' : JSON.stringify(e.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data !== null && entries.length === 0 && <p className="muted">No entries match.</p>}
      <nav className="admin-actions" aria-label="Pages of the audit log">
        <button type="button" disabled={starts.length <= 1} onClick={() => setStarts(starts.slice(0, -1))}>
          Previous
        </button>
        <span className="muted">Page {starts.length}</span>
        <button type="button" disabled={entries.length < PAGE || last === undefined} onClick={() => last !== undefined && setStarts([...starts, last.seq])}>
          Next
        </button>
      </nav>
    </section>
  );
}

/** The Audit log page. */
export const adminAuditPage: PageEntry = { path: 'audit', title: 'Audit log', nav: true, adminOnly: true, render: () => <AdminAudit /> };
