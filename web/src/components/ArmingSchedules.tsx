/** Arming schedules of one camera: for each line and zone, always armed or armed in weekly windows; saved with the camera (which restarts with them). */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Camera } from '../api/types.ts';
import { AdminStatus, type AdminNote } from './AdminShared.tsx';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
const DAY_NAMES: Record<Day, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

interface Window {
  days: Day[];
  from: string;
  to: string;
}

/** The names of a camera's lines and zones (its analytics as the API shows them). */
export function ruleNames(camera: Camera): string[] {
  const names: string[] = [];
  for (const key of ['lines', 'zones'] as const) {
    const rules = camera.analytics[key];
    if (!Array.isArray(rules)) continue;
    for (const r of rules as unknown[]) if (typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string') names.push((r as { name: string }).name);
  }
  return names;
}

function windowsOf(camera: Camera): Record<string, Window[]> {
  const out: Record<string, Window[]> = {};
  for (const [rule, list] of Object.entries(camera.arming)) {
    if (!Array.isArray(list)) continue;
    out[rule] = (list as Window[]).map((w) => ({ days: [...w.days], from: w.from, to: w.to }));
  }
  return out;
}

/** The arming form of one camera; `onSaved` gets the camera after a save. */
export function ArmingSchedules({ camera, onSaved }: { readonly camera: Camera; readonly onSaved: (c: Camera) => void }): ReactNode {
  const [arming, setArming] = useState<Record<string, Window[]>>(() => windowsOf(camera));
  const [note, setNote] = useState<AdminNote | null>(null);
  const [saving, setSaving] = useState(false);
  const rules = ruleNames(camera);
  const readOnly = camera.managedBy === 'config';
  const setWindows = (rule: string, windows: Window[] | null): void =>
    setArming((o) => (windows === null ? Object.fromEntries(Object.entries(o).filter(([r]) => r !== rule)) : { ...o, [rule]: windows }));

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    setSaving(true);
    try {
      const saved = await call(api.updateCamera, { params: { id: camera.id }, body: { arming } });
      setArming(windowsOf(saved));
      setNote({ ok: true, text: `Arming of ${saved.name} saved; the camera restarted with it.` });
      onSaved(saved);
    } catch (err) {
      setNote({ ok: false, text: `Not saved: ${errorText(err)}` });
    } finally {
      setSaving(false);
    }
  };

  if (rules.length === 0) return <p className="muted">Camera {camera.name} has no lines or zones yet: draw them in the editor first.</p>;
  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)} aria-label={`Arming schedules of ${camera.name}`}>
      {readOnly && <p className="notice">Camera {camera.name} is defined in sightline.yml: change its arming there.</p>}
      {rules.map((rule) => {
        const windows = arming[rule];
        return (
          <fieldset key={rule} className="settings-rule" disabled={readOnly}>
            <legend>{rule}</legend>
            <label className="inline">
              <input type="checkbox" checked={windows === undefined} onChange={(e) => setWindows(rule, e.target.checked ? null : [{ days: [...DAYS], from: '22:00', to: '06:00' }])} /> Always armed
            </label>
            {windows?.map((w, i) => (
              <fieldset key={i} className="settings-window">
                <legend>
                  Window {i + 1} of {rule}
                </legend>
                <div className="settings-days">
                  {DAYS.map((d) => (
                    <label key={d} className="inline">
                      <input
                        type="checkbox"
                        checked={w.days.includes(d)}
                        onChange={(e) => setWindows(rule, windows.map((x, j) => (j === i ? { ...x, days: e.target.checked ? DAYS.filter((y) => y === d || x.days.includes(y)) : x.days.filter((y) => y !== d) } : x)))}
                      />{' '}
                      {DAY_NAMES[d]}
                    </label>
                  ))}
                </div>
                <label className="inline">
                  From <input type="time" value={w.from} required onChange={(e) => setWindows(rule, windows.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))} />
                </label>{' '}
                <label className="inline">
                  to <input type="time" value={w.to} required onChange={(e) => setWindows(rule, windows.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))} />
                </label>{' '}
                <button type="button" onClick={() => setWindows(rule, windows.length === 1 ? null : windows.filter((_, j) => j !== i))}>
                  Remove window {i + 1}
                </button>
              </fieldset>
            ))}
            {windows !== undefined && (
              <button type="button" onClick={() => setWindows(rule, [...windows, { days: [...DAYS], from: '00:00', to: '24:00' }])}>
                Add a window to {rule}
              </button>
            )}
          </fieldset>
        );
      })}
      <p className="muted">Outside its windows a rule's events are still stored, but notify no one. A window that ends before it starts runs past midnight.</p>
      {!readOnly && (
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : `Save arming of ${camera.name}`}
        </button>
      )}
      <AdminStatus note={note} />
    </form>
  );
}
