/** The camera list shared by the analytics pages, a camera picker and a period picker. */
import type { ReactNode } from 'react';
import { call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Camera } from '../api/types.ts';
import { useResource, type Resource } from '../hooks/use-resource.ts';

/** The cameras the user may see, or the error that kept them from loading. */
export function useCameras(): { readonly cameras: readonly Camera[] | null; readonly error: string | null; readonly resource: Resource<{ readonly cameras: readonly Camera[] }> } {
  const resource = useResource(api.cameras.path, (signal) => call(api.cameras, { signal }));
  return { cameras: resource.data?.cameras ?? null, error: resource.error, resource };
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
