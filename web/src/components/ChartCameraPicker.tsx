/** The camera list shared by the analytics pages, a camera picker and a period picker. */
import { useEffect, useState, type ReactNode } from 'react';
import { getJson, type Camera } from '../api.ts';

/** The cameras the user may see, or the error that kept them from loading. */
export function useCameras(): { readonly cameras: readonly Camera[] | null; readonly error: string | null } {
  const [cameras, setCameras] = useState<readonly Camera[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getJson<{ cameras: Camera[] }>('/api/cameras')
      .then((r) => live && setCameras(r.cameras))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, []);
  return { cameras, error };
}

/** A labelled select of cameras; `allLabel` adds an "all cameras" choice with the value ''. */
export function CameraPicker({
  cameras,
  value,
  onChange,
  allLabel,
}: {
  readonly cameras: readonly Camera[];
  readonly value: string;
  readonly onChange: (id: string) => void;
  readonly allLabel?: string;
}): ReactNode {
  return (
    <label>
      Camera
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {cameras.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A period choice: its label and length in ms. */
export interface Period {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
}

/** A labelled select of periods. */
export function PeriodPicker({ periods, value, onChange }: { readonly periods: readonly Period[]; readonly value: string; readonly onChange: (id: string) => void }): ReactNode {
  return (
    <label>
      Period
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {periods.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A date and time for people, in the browser's locale. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}
