/**
 * Alarms in the app: a toast for each new armed alarm (intrusion, loitering, crowd) of a camera the
 * user may see (the server sends only those), from the tab's bus feed; the count of those not yet
 * seen, for the Review link's badge; and, when the user turns them on, the browser's own
 * notifications while the tab is hidden.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { BusMessage } from '../api/live-messages.ts';
import { useBusFeed } from '../hooks/bus-feed.tsx';
import { href } from '../router.ts';
import { alarmNoticeOf, type AlarmNotice } from './alarm-notices-model.ts';

/** Toasts shown at once; older ones give way. */
const MAX_TOASTS = 3;

/** A toast goes after this long, ms (the badge keeps the count). */
const TOAST_MS = 15_000;

const DESKTOP_KEY = 'sightline.desktopNotifications';

function timeText(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

/** The alarms not yet seen (for the badge), cleared when the user opens Review. */
export function useUnseenAlarms(current: string): { readonly unseen: number; readonly toasts: readonly AlarmNotice[]; readonly dismiss: (id: string) => void } {
  const [unseen, setUnseen] = useState(0);
  const [toasts, setToasts] = useState<readonly AlarmNotice[]>([]);
  const onReview = current === 'review';
  useEffect(() => {
    if (onReview) setUnseen(0);
  }, [onReview]);
  const onMessage = useCallback(
    (m: BusMessage) => {
      const notice = alarmNoticeOf(m, timeText);
      if (notice === null) return;
      if (!onReview) setUnseen((n) => n + 1);
      setToasts((list) => [notice, ...list.filter((t) => t.id !== notice.id)].slice(0, MAX_TOASTS));
      if (localStorage.getItem(DESKTOP_KEY) === '1' && typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState === 'hidden') {
        new Notification(notice.title, { body: notice.body, tag: notice.id });
      }
    },
    [onReview],
  );
  useBusFeed(onMessage);
  const dismiss = useCallback((id: string) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  // Each toast goes by itself after a while.
  useEffect(() => {
    if (toasts.length === 0) return;
    const oldest = toasts.reduce((a, t) => Math.min(a, t.at), Infinity);
    const timer = window.setTimeout(() => setToasts((list) => list.filter((t) => t.at > oldest)), Math.max(1000, TOAST_MS - (Date.now() - oldest)));
    return () => window.clearTimeout(timer);
  }, [toasts]);
  return { unseen, toasts, dismiss };
}

/** The toasts, and the switch for the browser's notifications. */
export function AlarmToasts({ toasts, dismiss }: { readonly toasts: readonly AlarmNotice[]; readonly dismiss: (id: string) => void }): ReactNode {
  return (
    <div className="alarm-toasts" role="status" aria-live="polite" aria-label="New alarms">
      {toasts.map((t) => (
        <div key={t.id} className="alarm-toast">
          <strong>{t.title}</strong>
          <span>{t.body}</span>
          <span className="alarm-toast-actions">
            <a href={href(`/review?camera=${encodeURIComponent(t.cameraId)}`)}>Review</a>
            <button type="button" onClick={() => dismiss(t.id)} aria-label={`Dismiss: ${t.title}`}>
              ×
            </button>
          </span>
        </div>
      ))}
    </div>
  );
}

/** A switch (on the Account page) for the browser's notifications of new alarms while the tab is hidden. */
export function DesktopNotificationsSwitch(): ReactNode {
  const supported = typeof Notification !== 'undefined';
  const [on, setOn] = useState(() => supported && localStorage.getItem(DESKTOP_KEY) === '1' && Notification.permission === 'granted');
  const [note, setNote] = useState<string | null>(null);
  if (!supported) return <p className="muted">This browser cannot show notifications.</p>;
  const toggle = async (): Promise<void> => {
    if (on) {
      localStorage.removeItem(DESKTOP_KEY);
      setOn(false);
      setNote(null);
      return;
    }
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    if (permission !== 'granted') {
      setNote('The browser did not allow notifications; allow them in its site settings to turn this on.');
      return;
    }
    localStorage.setItem(DESKTOP_KEY, '1');
    setOn(true);
    setNote(null);
  };
  return (
    <div className="desktop-notifications">
      <label className="admin-check">
        <input type="checkbox" checked={on} onChange={() => void toggle()} /> Show new alarms as browser notifications while this tab is in the background (only while Sightline is open)
      </label>
      {note !== null && <p className="error">{note}</p>}
    </div>
  );
}
