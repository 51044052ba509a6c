/** The frame of every signed-in page: navigation (from the page list, filtered by role), the user, sign-out. */
import { useEffect, useState, type ReactNode } from 'react';
import type { User } from '../api/types.ts';
import type { PageEntry } from '../pages/registry.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';
import { BusFeedProvider } from '../hooks/bus-feed.tsx';
import { AlarmToasts, useUnseenAlarms } from './AlarmNotices.tsx';

/** Navigation and content. At phone width the navigation folds behind a Menu button. */
export function Layout(props: { readonly user: User; readonly pages: readonly PageEntry[]; readonly current: string; readonly children: ReactNode }): ReactNode {
  return (
    <BusFeedProvider>
      <Frame {...props} />
    </BusFeedProvider>
  );
}

function Frame({ user, pages, current, children }: { readonly user: User; readonly pages: readonly PageEntry[]; readonly current: string; readonly children: ReactNode }): ReactNode {
  const { logout } = useSession();
  const { unseen, toasts, dismiss } = useUnseenAlarms(current);
  const [open, setOpen] = useState(false);
  // A page chosen from the menu closes it.
  useEffect(() => setOpen(false), [current]);
  return (
    <div className="app">
      <header>
        <a className="brand" href={href('/live')}>
          Sightline
        </a>
        <button type="button" className="menu-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen((o) => !o)} aria-label={unseen > 0 ? `Menu, ${unseen} new ${unseen === 1 ? 'alarm' : 'alarms'}` : undefined}>
          Menu
          {unseen > 0 && ' '}
          {unseen > 0 && (
            <span className="nav-badge" aria-hidden="true">
              {unseen > 99 ? '99+' : unseen}
            </span>
          )}
        </button>
        <nav id="main-nav" aria-label="Main" className={open ? 'open' : undefined}>
          {pages
            .filter((p) => p.nav && (!p.adminOnly || user.role === 'admin'))
            .map((p) => (
              <a key={p.path} href={href(`/${p.path}`)} aria-current={p.path === current ? 'page' : undefined} aria-label={p.path === 'review' && unseen > 0 ? `${p.title}, ${unseen} new ${unseen === 1 ? 'alarm' : 'alarms'}` : undefined}>
                {p.title}
                {/* The space keeps the badge's number a word of the visible text, which the accessible name repeats. */}
                {p.path === 'review' && unseen > 0 && ' '}
                {p.path === 'review' && unseen > 0 && (
                  <span className="nav-badge" aria-hidden="true">
                    {unseen > 99 ? '99+' : unseen}
                  </span>
                )}
              </a>
            ))}
        </nav>
        <span className="who">
          {user.name} ({user.role})
        </span>
        <button type="button" onClick={() => void logout()}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
      <AlarmToasts toasts={toasts} dismiss={dismiss} />
    </div>
  );
}
