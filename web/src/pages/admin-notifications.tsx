/** Notifications, for admins: the configured MQTT broker, webhooks and SMTP server, and the pending outbox. */
import type { ReactNode } from 'react';
import { call } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { useResource } from '../hooks/use-resource.ts';
import type { PageEntry } from './registry.ts';

const all = (list: readonly string[] | null): string => (list === null ? 'all' : list.join(', '));

function AdminNotifications(): ReactNode {
  const { data, error, reload } = useResource(api.system.path, (signal) => call(api.system, { signal }));
  const n = data?.notifications;
  return (
    <section className="admin">
      <h1>Notifications</h1>
      <p className="notice">
        Targets are set in the <code>mqtt</code>, <code>webhooks</code> and <code>smtp</code> sections of sightline.yml and take effect on restart. Passwords and webhook secrets are never shown here.
      </p>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {n !== undefined && (
        <>
          <p className={n.outboxPending > 0 ? 'admin-pending' : 'muted'} role="status">
            {n.outboxPending === 0 ? 'Every notification has been delivered.' : `${n.outboxPending} notification(s) waiting to be delivered (retried with backoff).`}{' '}
            <button type="button" onClick={reload}>
              Refresh
            </button>
          </p>
          <div className="grid">
            <div className="card">
              <h2>MQTT</h2>
              {n.mqtt === null ? (
                <p className="muted">Not configured.</p>
              ) : (
                <dl className="admin-dl">
                  <dt>Broker</dt>
                  <dd>{n.mqtt.url}</dd>
                  <dt>Topic prefix</dt>
                  <dd>{n.mqtt.prefix}</dd>
                  <dt>Signs in</dt>
                  <dd>{n.mqtt.hasCredentials ? 'yes' : 'no'}</dd>
                </dl>
              )}
            </div>
            <div className="card">
              <h2>Email (SMTP)</h2>
              {n.smtp === null ? (
                <p className="muted">Not configured.</p>
              ) : (
                <dl className="admin-dl">
                  <dt>Server</dt>
                  <dd>
                    {n.smtp.host}:{n.smtp.port} {n.smtp.secure ? '(TLS)' : '(STARTTLS)'}
                  </dd>
                  <dt>From</dt>
                  <dd>{n.smtp.from}</dd>
                  <dt>To</dt>
                  <dd>{n.smtp.to.join(', ')}</dd>
                  <dt>Events</dt>
                  <dd>{n.smtp.types.join(', ')}</dd>
                </dl>
              )}
            </div>
          </div>
          <h2>Webhooks</h2>
          {n.webhooks.length === 0 ? (
            <p className="muted">None configured.</p>
          ) : (
            <div className="admin-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">Cameras</th>
                  </tr>
                </thead>
                <tbody>
                  {n.webhooks.map((w) => (
                    <tr key={w.name}>
                      <th scope="row">{w.name}</th>
                      <td className="admin-url">{w.url}</td>
                      <td>{all(w.types)}</td>
                      <td>{all(w.cameras)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** The Notifications page. */
export const adminNotificationsPage: PageEntry = { path: 'notifications', title: 'Notifications', nav: true, adminOnly: true, render: () => <AdminNotifications /> };
