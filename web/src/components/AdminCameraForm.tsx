/** The form that adds a camera, with a "Test connection" button that probes the stream before saving. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import type { Camera } from '../api/types.ts';
import type { Analytic } from '../../../src/core/purpose.ts';
import { AdminStatus, type AdminNote } from './AdminShared.tsx';
import { PurposeFields } from './PurposeFields.tsx';

interface Fields {
  name: string;
  url: string;
  subUrl: string;
  username: string;
  password: string;
  purpose: string;
  allows: readonly Analytic[];
  fps: string;
  mode: 'continuous' | 'events' | 'off';
}

const EMPTY: Fields = { name: '', url: '', subUrl: '', username: '', password: '', purpose: '', allows: [], fps: '5', mode: 'continuous' };

function credentialsOf(f: Fields): { credentials: { username: string; password: string } } | Record<string, never> {
  return f.username.trim() === '' ? {} : { credentials: { username: f.username.trim(), password: f.password } };
}

/** Adds a camera; calls `onAdded` after it is saved. */
export function AdminCameraForm({ onAdded }: { readonly onAdded: (camera: Camera) => void }): ReactNode {
  const [f, setF] = useState<Fields>(EMPTY);
  const [note, setNote] = useState<AdminNote | null>(null);
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  // The stream (URL and user) whose connection test failed last, with why: adding it then asks first.
  const [failed, setFailed] = useState<{ key: string; error: string } | null>(null);
  const [askedAnyway, setAskedAnyway] = useState(false);
  const set = <K extends keyof Fields>(key: K, value: Fields[K]): void => {
    setF((old) => ({ ...old, [key]: value }));
    setAskedAnyway(false);
  };
  const streamKey = `${f.url.trim()}\u0000${f.username.trim()}\u0000${f.password}`;
  const testFailedHere = failed !== null && failed.key === streamKey;

  const test = async (): Promise<void> => {
    if (f.url.trim() === '') {
      setNote({ ok: false, text: 'Give the stream URL first.' });
      return;
    }
    setTesting(true);
    setNote({ ok: true, text: 'Testing the stream (up to 16 seconds)…' });
    try {
      const r = await call(api.testCamera, { body: { url: f.url.trim(), ...credentialsOf(f) } });
      if (r.ok) {
        setFailed(null);
        setNote({ ok: true, text: `Connected: ${r.width}×${r.height} ${r.codec}${r.frameRate === null ? '' : ` at ${r.frameRate.toFixed(1)} fps`}.` });
      } else {
        setFailed({ key: streamKey, error: r.error });
        setNote({ ok: false, text: `The stream did not answer: ${r.error}` });
      }
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setTesting(false);
    }
  };

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    if (testFailedHere && !askedAnyway) {
      setAskedAnyway(true);
      setNote({ ok: false, text: `The connection test of this stream failed just now (${failed.error}). The camera would be added but show nothing until the stream answers. Check the URL and login, or press “Add anyway”.` });
      return;
    }
    setSaving(true);
    try {
      const body = {
        name: f.name.trim(),
        url: f.url.trim(),
        ...(f.subUrl.trim() === '' ? {} : { subUrl: f.subUrl.trim() }),
        ...credentialsOf(f),
        purpose: { statement: f.purpose.trim(), allows: [...f.allows] },
        fps: Number(f.fps),
        record: { mode: f.mode },
      };
      const cam = await call(api.addCamera, { body });
      setNote({ ok: true, text: `Camera ${cam.name} added.` });
      setF(EMPTY);
      setFailed(null);
      setAskedAnyway(false);
      onAdded(cam);
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form admin-form card" onSubmit={(e) => void submit(e)} aria-labelledby="add-camera-title">
      <h2 id="add-camera-title">Add a camera</h2>
      <div className="admin-form-grid">
        <label>
          Name (letters, digits, - or _)
          <input value={f.name} onChange={(e) => set('name', e.target.value)} required maxLength={64} pattern="[A-Za-z0-9_\-]+" autoComplete="off" />
        </label>
        <label>
          Stream URL (rtsp://, rtsps://, http:// or https://, without user or password)
          <input value={f.url} onChange={(e) => set('url', e.target.value)} required maxLength={2048} placeholder="rtsp://192.168.1.20:554/stream1" autoComplete="off" />
        </label>
        <label>
          Sub-stream URL for analysis (optional)
          <input value={f.subUrl} onChange={(e) => set('subUrl', e.target.value)} maxLength={2048} autoComplete="off" />
        </label>
        <label>
          Stream user name (optional)
          <input value={f.username} onChange={(e) => set('username', e.target.value)} maxLength={128} autoComplete="off" />
        </label>
        <label>
          Stream password (stored encrypted, never shown again)
          <input type="password" value={f.password} onChange={(e) => set('password', e.target.value)} maxLength={256} autoComplete="new-password" />
        </label>
        <PurposeFields statement={f.purpose} allows={f.allows} onStatement={(v) => set('purpose', v)} onAllows={(v) => set('allows', v)} />
        <label>
          Frames per second analysed
          <input type="number" min={0.5} max={30} step={0.5} value={f.fps} onChange={(e) => set('fps', e.target.value)} required />
        </label>
        <label>
          Recording
          <select value={f.mode} onChange={(e) => set('mode', e.target.value as Fields['mode'])}>
            <option value="continuous">Continuous</option>
            <option value="events">Around events only</option>
            <option value="off">Off</option>
          </select>
        </label>
      </div>
      <div className="admin-actions">
        <button type="button" onClick={() => void test()} disabled={testing}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : testFailedHere && askedAnyway ? 'Add anyway' : 'Add camera'}
        </button>
      </div>
      <AdminStatus note={note} />
    </form>
  );
}
