/** Settings, for admins: retention per kind of data, server-wide object filters per class, and the arming schedules of each camera; applied at once and audited. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { OBJECT_CLASSES } from '../../../src/core/detection.ts';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { AdminStatus, formatTime, type AdminNote } from '../components/AdminShared.tsx';
import { ArmingSchedules } from '../components/ArmingSchedules.tsx';
import { CameraPicker } from '../components/ChartCameraPicker.tsx';
import { filterBody, filterFields, type FilterFields, type SettingsView } from '../components/settings-model.ts';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

const RETENTION_FIELDS = [
  { key: 'videoHours', label: 'Video and event snapshots, hours', min: 0.01, max: 87_600 },
  { key: 'eventDays', label: 'Events, days', min: 0.01, max: 3650 },
  { key: 'aggregateDays', label: 'Counts, occupancy, dwell and heat maps, days', min: 0.01, max: 3650 },
  { key: 'auditDays', label: 'Audit log, days', min: 1, max: 3650 },
] as const;

type RetentionKey = (typeof RETENTION_FIELDS)[number]['key'];

function sourceText(s: SettingsView['sources']['retention']): string {
  return s.from === 'config' ? 'From sightline.yml until saved here.' : `Saved here by ${s.updatedBy ?? 'someone'} on ${formatTime(s.updatedAt)}.`;
}

function RetentionForm({ view, onSaved }: { readonly view: SettingsView; readonly onSaved: (s: SettingsView) => void }): ReactNode {
  const [f, setF] = useState<Record<RetentionKey, string>>(() => Object.fromEntries(RETENTION_FIELDS.map((r) => [r.key, String(view.retention[r.key])])) as Record<RetentionKey, string>);
  const [note, setNote] = useState<AdminNote | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    try {
      const r = await call(api.setRetention, { body: Object.fromEntries(RETENTION_FIELDS.map((x) => [x.key, Number(f[x.key])])) });
      setNote({ ok: true, text: `Retention saved and applied: ${Object.keys(r.changes).length} limit(s) changed; data past the new limits is being deleted now.` });
      onSaved(r.settings);
    } catch (err) {
      setNote({ ok: false, text: `Not saved: ${errorText(err)}` });
    }
  };
  return (
    <form className="form admin-form card" onSubmit={(e) => void submit(e)} aria-labelledby="retention-title">
      <h2 id="retention-title">Retention</h2>
      <p className="muted">Each kind of data is deleted once older than its limit. {sourceText(view.sources.retention)}</p>
      <div className="admin-form-grid">
        {RETENTION_FIELDS.map((r) => (
          <label key={r.key}>
            {r.label}
            <input type="number" min={r.min} max={r.max} step="any" required value={f[r.key]} onChange={(e) => setF((o) => ({ ...o, [r.key]: e.target.value }))} />
          </label>
        ))}
      </div>
      <button type="submit">Save retention</button>
      <AdminStatus note={note} />
    </form>
  );
}

function FiltersForm({ view, onSaved }: { readonly view: SettingsView; readonly onSaved: (s: SettingsView) => void }): ReactNode {
  const [f, setF] = useState<Record<string, FilterFields>>(() => filterFields(view.objectFilters.filters, OBJECT_CLASSES));
  const [note, setNote] = useState<AdminNote | null>(null);
  const set = (c: string, p: Partial<FilterFields>): void => setF((o) => ({ ...o, [c]: { ...o[c]!, ...p } }));
  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    try {
      const r = await call(api.setObjectFilters, { body: filterBody(f) });
      setNote({ ok: true, text: `Object filters saved: running cameras apply them from their next frame (${Object.keys(r.changes).length} value(s) changed).` });
      onSaved(r.settings);
    } catch (err) {
      setNote({ ok: false, text: `Not saved: ${errorText(err)}` });
    }
  };
  return (
    <form className="form admin-form card" onSubmit={(e) => void submit(e)} aria-labelledby="filters-title">
      <h2 id="filters-title">Object filters</h2>
      <p className="muted">
        Detections below a class's minimum score or size are dropped before tracking, on every camera (a camera's own filters apply too; the stricter wins). Empty: no limit. {sourceText(view.sources.objectFilters)}
      </p>
      <div className="admin-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Minimum score (0 to 1)</th>
              <th scope="col">Minimum size (% of the picture)</th>
            </tr>
          </thead>
          <tbody>
            {OBJECT_CLASSES.map((c) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                <td>
                  <input type="number" min={0} max={1} step="any" aria-label={`Minimum score of ${c}`} value={f[c]?.minScore ?? ''} onChange={(e) => set(c, { minScore: e.target.value })} />
                </td>
                <td>
                  <input type="number" min={0} max={100} step="any" aria-label={`Minimum size of ${c}, % of the picture`} value={f[c]?.minAreaPercent ?? ''} onChange={(e) => set(c, { minAreaPercent: e.target.value })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="submit">Save object filters</button>
      <AdminStatus note={note} />
    </form>
  );
}

function ArmingSection(): ReactNode {
  const { data, error, reload } = useResource(api.cameras.path, (signal) => call(api.cameras, { signal }));
  const [chosen, setChosen] = useState<string>('');
  const cameras = data?.cameras ?? [];
  const camera = cameras.find((c) => c.id === chosen) ?? cameras[0];
  return (
    <div className="card">
      <h2>Arming schedules</h2>
      <p className="muted">When each line and zone of a camera raises alarms that notify (times in the server's time zone).</p>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {cameras.length === 0 ? (
        <p className="muted">No cameras yet.</p>
      ) : (
        <>
          <CameraPicker cameras={cameras} value={camera?.id ?? ''} onChange={setChosen} />
          {camera !== undefined && <ArmingSchedules key={camera.id} camera={camera} onSaved={reload} />}
        </>
      )}
    </div>
  );
}

function AdminSettings(): ReactNode {
  const { data, error, reload } = useResource(api.settings.path, (signal) => call(api.settings, { signal }));
  return (
    <section className="admin">
      <h1>Settings</h1>
      <p className="notice">Changes apply at once, without a restart, and are recorded in the audit log. Notification targets are on the Notifications page.</p>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data !== null && (
        <>
          <RetentionForm view={data} onSaved={reload} />
          <FiltersForm view={data} onSaved={reload} />
        </>
      )}
      <ArmingSection />
    </section>
  );
}

/** The Settings page. */
export const adminSettingsPage: PageEntry = { path: 'settings', title: 'Settings', nav: true, adminOnly: true, render: () => <AdminSettings /> };
