/** The editable notification targets: MQTT, SMTP and webhooks, saved together, each with "Send a test". */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { AdminStatus, type AdminNote } from './AdminShared.tsx';
import { notificationBody, notificationFields, NOTIFY_TYPES, type NotificationFields, type NotifyType, type SettingsView, type WebhookFields } from './settings-model.ts';

type Target = { kind: 'mqtt' } | { kind: 'smtp' } | { kind: 'webhook'; name: string };

const targetKey = (t: Target): string => (t.kind === 'webhook' ? `webhook:${t.name}` : t.kind);
const label = (t: string): string => t.replace(/_/g, ' ');

function TypeChoices({ legend, chosen, onChange }: { readonly legend: string; readonly chosen: readonly NotifyType[]; readonly onChange: (v: NotifyType[]) => void }): ReactNode {
  return (
    <fieldset className="settings-types">
      <legend>{legend}</legend>
      {NOTIFY_TYPES.map((t) => (
        <label key={t} className="inline">
          <input type="checkbox" checked={chosen.includes(t)} onChange={(e) => onChange(e.target.checked ? [...chosen, t] : chosen.filter((x) => x !== t))} /> {label(t)}
        </label>
      ))}
    </fieldset>
  );
}

/** The form of every notification target; `onSaved` gets the settings after a save. */
export function NotificationTargets({ view, onSaved }: { readonly view: SettingsView; readonly onSaved: (s: SettingsView) => void }): ReactNode {
  const [f, setF] = useState<NotificationFields>(() => notificationFields(view.notifications));
  const [saved, setSaved] = useState(() => JSON.stringify(notificationFields(view.notifications)));
  const [note, setNote] = useState<AdminNote | null>(null);
  const [saving, setSaving] = useState(false);
  const [tests, setTests] = useState<Record<string, AdminNote>>({});
  const [testing, setTesting] = useState<string | null>(null);
  const [nextKey, setNextKey] = useState(view.notifications.webhooks.length);
  // The targets saved, which "Send a test" reaches.
  const [current, setCurrent] = useState(view);
  const dirty = JSON.stringify(f) !== saved;
  const setMqtt = (p: Partial<NotificationFields['mqtt']>): void => setF((o) => ({ ...o, mqtt: { ...o.mqtt, ...p } }));
  const setSmtp = (p: Partial<NotificationFields['smtp']>): void => setF((o) => ({ ...o, smtp: { ...o.smtp, ...p } }));
  const setHook = (key: number, p: Partial<WebhookFields>): void => setF((o) => ({ ...o, webhooks: o.webhooks.map((w) => (w.key === key ? { ...w, ...p } : w)) }));

  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    setSaving(true);
    try {
      const r = await call(api.setNotifications, { body: notificationBody(f) });
      const fields = notificationFields(r.settings.notifications);
      setF(fields);
      setSaved(JSON.stringify(fields));
      const n = Object.keys(r.changes).length;
      setNote({ ok: true, text: n === 0 ? 'Saved: nothing changed.' : `Saved and applied (${n} field${n === 1 ? '' : 's'} changed): the notifiers restarted with the new targets.` });
      setCurrent(r.settings);
      onSaved(r.settings);
    } catch (err) {
      setNote({ ok: false, text: `Not saved: ${errorText(err)}` });
    } finally {
      setSaving(false);
    }
  };

  const test = async (t: Target): Promise<void> => {
    const key = targetKey(t);
    if (dirty) {
      setTests((o) => ({ ...o, [key]: { ok: false, text: 'Save your changes first: a test is sent to the saved target.' } }));
      return;
    }
    setTesting(key);
    setTests((o) => ({ ...o, [key]: { ok: true, text: 'Sending a test…' } }));
    try {
      const r = await call(api.testNotification, { body: t });
      setTests((o) => ({ ...o, [key]: r.ok ? { ok: true, text: `Test sent: ${r.detail ?? 'ok'}.` } : { ok: false, text: `Test failed: ${r.error ?? 'no reason given'}.` } }));
    } catch (err) {
      setTests((o) => ({ ...o, [key]: { ok: false, text: `Test failed: ${errorText(err)}` } }));
    } finally {
      setTesting(null);
    }
  };

  const testButton = (t: Target, what: string): ReactNode => (
    <button type="button" onClick={() => void test(t)} disabled={testing !== null} aria-describedby={`test-${targetKey(t).replace(':', '-')}`}>
      {testing === targetKey(t) ? 'Sending…' : `Send a test ${what}`}
    </button>
  );
  const testResult = (t: Target): ReactNode => (
    <div id={`test-${targetKey(t).replace(':', '-')}`}>
      <AdminStatus note={tests[targetKey(t)] ?? null} />
    </div>
  );
  const keepHint = (has: boolean): string => (has ? 'stored; leave empty to keep it' : 'none stored');

  return (
    <form className="form admin-form" onSubmit={(e) => void submit(e)} aria-label="Notification targets">
      <div className="card">
        <h2>MQTT</h2>
        <label className="inline">
          <input type="checkbox" checked={f.mqtt.enabled} onChange={(e) => setMqtt({ enabled: e.target.checked })} /> Publish to an MQTT broker
        </label>
        {f.mqtt.enabled && (
          <div className="admin-form-grid">
            <label>
              Broker URL (mqtt:// or mqtts://, no user or password in it)
              <input value={f.mqtt.url} onChange={(e) => setMqtt({ url: e.target.value })} required placeholder="mqtt://192.168.1.5:1883" autoComplete="off" />
            </label>
            <label>
              Topic prefix
              <input value={f.mqtt.prefix} onChange={(e) => setMqtt({ prefix: e.target.value })} required autoComplete="off" />
            </label>
            <label>
              User name (optional)
              <input value={f.mqtt.username} onChange={(e) => setMqtt({ username: e.target.value })} autoComplete="off" />
            </label>
            <label>
              Password ({keepHint(f.mqtt.hasPassword)})
              <input type="password" value={f.mqtt.password} onChange={(e) => setMqtt({ password: e.target.value })} autoComplete="new-password" />
            </label>
            <label className="inline">
              <input type="checkbox" checked={f.mqtt.discovery} onChange={(e) => setMqtt({ discovery: e.target.checked })} /> Home Assistant discovery
            </label>
          </div>
        )}
        {current.notifications.mqtt !== null && (
          <div className="admin-actions">
            {testButton({ kind: 'mqtt' }, 'message')}
            {testResult({ kind: 'mqtt' })}
          </div>
        )}
      </div>

      <div className="card">
        <h2>Email (SMTP)</h2>
        <label className="inline">
          <input type="checkbox" checked={f.smtp.enabled} onChange={(e) => setSmtp({ enabled: e.target.checked })} /> Send alarm emails
        </label>
        {f.smtp.enabled && (
          <>
            <div className="admin-form-grid">
              <label>
                SMTP server
                <input value={f.smtp.host} onChange={(e) => setSmtp({ host: e.target.value })} required autoComplete="off" />
              </label>
              <label>
                Port
                <input type="number" min={1} max={65535} value={f.smtp.port} onChange={(e) => setSmtp({ port: e.target.value })} required />
              </label>
              <label className="inline">
                <input type="checkbox" checked={f.smtp.secure} onChange={(e) => setSmtp({ secure: e.target.checked })} /> TLS from the start (port 465); otherwise STARTTLS
              </label>
              <label>
                User name (optional)
                <input value={f.smtp.username} onChange={(e) => setSmtp({ username: e.target.value })} autoComplete="off" />
              </label>
              <label>
                Password ({keepHint(f.smtp.hasPassword)})
                <input type="password" value={f.smtp.password} onChange={(e) => setSmtp({ password: e.target.value })} autoComplete="new-password" />
              </label>
              <label>
                From
                <input value={f.smtp.from} onChange={(e) => setSmtp({ from: e.target.value })} required autoComplete="off" />
              </label>
              <label>
                To (comma-separated)
                <input value={f.smtp.to} onChange={(e) => setSmtp({ to: e.target.value })} required autoComplete="off" />
              </label>
            </div>
            <TypeChoices legend="Events that send an email" chosen={f.smtp.types} onChange={(types) => setSmtp({ types })} />
          </>
        )}
        {current.notifications.smtp !== null && (
          <div className="admin-actions">
            {testButton({ kind: 'smtp' }, 'email')}
            {testResult({ kind: 'smtp' })}
          </div>
        )}
      </div>

      <div className="card">
        <h2>Webhooks</h2>
        {f.webhooks.length === 0 && <p className="muted">No webhooks.</p>}
        {f.webhooks.map((w, i) => {
          const stored = current.notifications.webhooks.some((s) => s.name === w.name) && !dirty;
          return (
            <fieldset key={w.key} className="settings-webhook">
              <legend>Webhook {w.name === '' ? i + 1 : w.name}</legend>
              <div className="admin-form-grid">
                <label>
                  Name (letters, digits, - or _)
                  <input value={w.name} onChange={(e) => setHook(w.key, { name: e.target.value })} required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9_\-]*" autoComplete="off" />
                </label>
                <label>
                  URL (http:// or https://)
                  <input value={w.url} onChange={(e) => setHook(w.key, { url: e.target.value })} required autoComplete="off" />
                </label>
                <label>
                  Signing secret, 16 characters or more ({keepHint(w.hasSecret)})
                  <input type="password" value={w.secret} onChange={(e) => setHook(w.key, { secret: e.target.value })} minLength={16} required={!w.hasSecret} autoComplete="new-password" />
                </label>
                <label>
                  Cameras (comma-separated; empty: all)
                  <input value={w.cameras} onChange={(e) => setHook(w.key, { cameras: e.target.value })} autoComplete="off" />
                </label>
              </div>
              <TypeChoices legend="Events sent (none ticked: all)" chosen={w.types} onChange={(types) => setHook(w.key, { types })} />
              <div className="admin-actions">
                {stored && testButton({ kind: 'webhook', name: w.name }, 'call')}
                <button type="button" onClick={() => setF((o) => ({ ...o, webhooks: o.webhooks.filter((x) => x.key !== w.key) }))}>
                  Remove webhook {w.name}
                </button>
                {stored && testResult({ kind: 'webhook', name: w.name })}
              </div>
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() => {
            setF((o) => ({ ...o, webhooks: [...o.webhooks, { key: nextKey, name: '', url: '', secret: '', hasSecret: false, types: [], cameras: '' }] }));
            setNextKey((k) => k + 1);
          }}
        >
          Add a webhook
        </button>
      </div>
      <div className="admin-actions">
        <button type="submit" disabled={saving}>
          {saving ? 'Saving…' : 'Save notification targets'}
        </button>
        {dirty && <span className="muted">Unsaved changes.</span>}
      </div>
      <AdminStatus note={note} />
    </form>
  );
}
