/** The signed-in user's account: change password; browser notifications of new alarms. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { call, errorText } from '../api/client.ts';
import { api } from '../api/endpoints.ts';
import { DesktopNotificationsSwitch } from '../components/AlarmNotices.tsx';
import type { PageEntry } from './registry.ts';

function Account({ name }: { readonly name: string }): ReactNode {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>): Promise<void> => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    if (data.get('newPassword') !== data.get('again')) {
      setMessage({ ok: false, text: 'The two new passwords differ.' });
      return;
    }
    try {
      await call(api.changePassword, { body: { currentPassword: data.get('currentPassword'), newPassword: data.get('newPassword') } });
      setMessage({ ok: true, text: 'Password changed. Other sessions were signed out.' });
      e.currentTarget.reset();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  return (
    <section>
      <h1>Account</h1>
      <p>Signed in as {name}.</p>
      <form onSubmit={(e) => void submit(e)} className="form">
        <label>
          Current password <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password (12 characters or more) <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} />
        </label>
        <label>
          New password again <input name="again" type="password" autoComplete="new-password" required minLength={12} />
        </label>
        <button type="submit">Change password</button>
      </form>
      {message && <p role="status" className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      <h2>Notifications</h2>
      <p>New alarms (intrusion, loitering, crowd) of the cameras you may see appear in the corner of every page and as a count on Review.</p>
      <DesktopNotificationsSwitch />
    </section>
  );
}

/** The account page. */
export const accountPage: PageEntry = { path: 'account', title: 'Account', nav: true, adminOnly: false, render: ({ user }) => <Account name={user.name} /> };
