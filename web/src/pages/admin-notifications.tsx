/** Notifications, for admins: the MQTT broker, webhooks and SMTP server, edited here and applied at once, with "Send a test"; and the pending outbox. */
import type { ReactNode } from 'react';
import { call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { formatTime } from '../components/AdminShared.tsx';
import { NotificationTargets } from '../components/NotificationTargets.tsx';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

function AdminNotifications(): ReactNode {
  const settings = useResource(api.settings.path, (signal) => call(api.settings, { signal }));
  const system = useResource(api.system.path, (signal) => call(api.system, { signal }));
  const pending = system.data?.notifications.outboxPending;
  const source = settings.data?.sources.notifications;
  return (
    <section className="admin">
      <h1>Notifications</h1>
      <p className="notice">
        Changes apply at once, without a restart, and are recorded in the audit log. Passwords and webhook secrets are write-only: they are never shown again, and a field left empty keeps the stored one.
        {source !== undefined && (source.from === 'config' ? ' These targets come from sightline.yml until you save them here.' : ` Last saved here by ${source.updatedBy ?? 'someone'} on ${formatTime(source.updatedAt)}.`)}
      </p>
      {(settings.error ?? system.error) !== null && (
        <p role="alert" className="error">
          {settings.error ?? system.error}
        </p>
      )}
      {pending !== undefined && (
        <p className={pending > 0 ? 'admin-pending' : 'muted'} role="status">
          {pending === 0 ? 'Every notification has been delivered.' : `${pending} notification(s) waiting to be delivered (retried with backoff).`}{' '}
          <button type="button" onClick={system.reload}>
            Refresh
          </button>
        </p>
      )}
      {settings.data !== null && <NotificationTargets view={settings.data} onSaved={() => system.reload()} />}
    </section>
  );
}

/** The Notifications page. */
export const adminNotificationsPage: PageEntry = { path: 'notifications', title: 'Notifications', nav: true, adminOnly: true, render: () => <AdminNotifications /> };
