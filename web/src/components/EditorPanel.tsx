/** The side panel of the editor: the selected line's or zone's name, classes and thresholds, or the selected privacy mask's name. */
import { useId, type ReactNode } from 'react';
import type { LineRule, MaskRule, ZoneRule } from '../api/types.ts';
import { MASK_LIMITS, NAME_PATTERN, RULE_CLASSES } from './EditorModel.ts';

/** Changed fields; an undefined value removes an optional field. */
type Patch<T> = { [K in keyof T]?: T[K] | undefined };

/** The object without its undefined fields (so optional settings are absent, not undefined). */
function withoutUndefined(o: object): object {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A number input whose empty value means "not set". */
function NumberField({ label, value, min, max, step, help, onChange }: { readonly label: string; readonly value: number | undefined; readonly min: number; readonly max?: number; readonly step: number; readonly help: string; readonly onChange: (v: number | undefined) => void }): ReactNode {
  const id = useId();
  return (
    <label>
      {label}
      <input
        type="number"
        inputMode="decimal"
        min={min}
        {...(max === undefined ? {} : { max })}
        step={step}
        value={value ?? ''}
        aria-describedby={`${id}-help`}
        onChange={(e) => {
          const v = e.target.value === '' ? undefined : Number(e.target.value);
          onChange(v === undefined || Number.isFinite(v) ? v : undefined);
        }}
      />
      <small id={`${id}-help`} className="muted">
        {help}
      </small>
    </label>
  );
}

function Classes({ value, onChange }: { readonly value: readonly string[]; readonly onChange: (v: string[]) => void }): ReactNode {
  return (
    <fieldset className="editor-classes">
      <legend>Classes</legend>
      {RULE_CLASSES.map((c) => (
        <label key={c}>
          <input type="checkbox" checked={value.includes(c)} onChange={(e) => onChange(e.target.checked ? [...value, c] : value.filter((v) => v !== c))} /> {c}
        </label>
      ))}
    </fieldset>
  );
}

function NameField({ value, onChange }: { readonly value: string; readonly onChange: (v: string) => void }): ReactNode {
  const ok = NAME_PATTERN.test(value);
  return (
    <label>
      Name
      <input value={value} maxLength={64} required aria-invalid={!ok} onChange={(e) => onChange(e.target.value)} />
      {!ok && <small className="error">1-64 letters, digits, - or _, starting with a letter or digit.</small>}
    </label>
  );
}

/** The settings of a line. */
export function EditorLinePanel({ line, onChange }: { readonly line: LineRule; readonly onChange: (l: LineRule) => void }): ReactNode {
  const set = (patch: Patch<LineRule>): void => {
    onChange(withoutUndefined({ ...line, ...patch }) as LineRule);
  };
  return (
    <div className="form">
      <NameField value={line.name} onChange={(name) => set({ name })} />
      <Classes value={line.classes} onChange={(classes) => set({ classes })} />
      <NumberField label="Observations before a crossing counts" value={line.minObservations} min={1} max={100} step={1} help="Default 3. Higher ignores jitter on the line." onChange={(minObservations) => set({ minObservations })} />
      <NumberField label="Distance from the line, pixels" value={line.minDistance} min={0} step={1} help="Default 4. Foot points closer than this count as on the line." onChange={(minDistance) => set({ minDistance })} />
      <p className="muted">
        Points: ({line.points[0].join(', ')}) → ({line.points[1].join(', ')}); “in” side at ({line.inside.join(', ')}).
      </p>
    </div>
  );
}

/** The settings of a zone. */
export function EditorZonePanel({ zone, onChange }: { readonly zone: ZoneRule; readonly onChange: (z: ZoneRule) => void }): ReactNode {
  const set = (patch: Patch<ZoneRule>): void => {
    onChange(withoutUndefined({ ...zone, ...patch }) as ZoneRule);
  };
  return (
    <div className="form">
      <NameField value={zone.name} onChange={(name) => set({ name })} />
      <Classes value={zone.classes} onChange={(classes) => set({ classes })} />
      <NumberField
        label="Intrusion alarm after, seconds"
        value={zone.intrusion?.seconds}
        min={0}
        step={0.5}
        help="Empty: no intrusion alarm."
        onChange={(s) => set({ intrusion: s === undefined ? undefined : { seconds: Math.max(0, s) } })}
      />
      <NumberField
        label="Loitering alarm after, seconds"
        value={zone.loitering?.seconds}
        min={0.5}
        step={0.5}
        help="Empty: no loitering alarm."
        onChange={(s) => set({ loitering: s === undefined || s <= 0 ? undefined : { seconds: s } })}
      />
      <NumberField
        label="Crowd alarm at, objects"
        value={zone.crowd?.count}
        min={2}
        step={1}
        help="Empty: no crowd alarm."
        onChange={(c) => set({ crowd: c === undefined ? undefined : { count: Math.round(c), seconds: zone.crowd?.seconds ?? 0 } })}
      />
      {zone.crowd !== undefined && (
        <NumberField
          label="Crowd must last, seconds"
          value={zone.crowd.seconds}
          min={0}
          step={0.5}
          help="How long the crowd must persist."
          onChange={(s) => set({ crowd: { count: zone.crowd?.count ?? 2, seconds: Math.max(0, s ?? 0) } })}
        />
      )}
      <p className="muted">{zone.polygon.length} points.</p>
    </div>
  );
}

/** The settings of a privacy mask: an optional name, and what a mask does. */
export function EditorMaskPanel({ mask, onChange }: { readonly mask: MaskRule; readonly onChange: (m: MaskRule) => void }): ReactNode {
  const id = useId();
  const name = mask.name ?? '';
  const ok = name === '' || NAME_PATTERN.test(name);
  return (
    <div className="form editor-mask-panel">
      <h3>Privacy mask</h3>
      <p>
        The area inside this mask is <strong>black</strong> in every recording, live view, snapshot and export of this camera, and hidden from detection: motion and objects inside it are never seen. It applies from the Save on; footage recorded before is not changed.
      </p>
      <label>
        Name (optional)
        <input value={name} maxLength={64} aria-invalid={!ok} aria-describedby={`${id}-help`} onChange={(e) => onChange(e.target.value === '' ? { polygon: mask.polygon } : { ...mask, name: e.target.value })} />
        <small id={`${id}-help`} className={ok ? 'muted' : 'error'}>
          {ok ? 'Empty, or 1-64 letters, digits, - or _, starting with a letter or digit.' : 'Leave it empty, or use 1-64 letters, digits, - or _, starting with a letter or digit.'}
        </small>
      </label>
      <p className="muted">
        {mask.polygon.length} of at most {MASK_LIMITS.maxPoints} points.
      </p>
    </div>
  );
}
