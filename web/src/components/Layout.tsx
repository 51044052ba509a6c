/** The frame of every signed-in page: navigation (from the page list, filtered by role), the user, sign-out. */
import { useEffect, useState, type ReactNode } from 'react';
import type { User } from '../api/types.ts';
import type { PageEntry } from '../pages/registry.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';

/** Navigation and content. At phone width the navigation folds behind a Menu button. */
export function Layout({ user, pages, current, children }: { readonly user: User; readonly pages: readonly PageEntry[]; readonly current: string; readonly children: ReactNode }): ReactNode {
  const { logout } = useSession();
  const [open, setOpen] = useState(false);
  // A page chosen from the menu closes it.
  useEffect(() => setOpen(false), [current]);
  return (
    <div className="app">
      <header>
        <a className="brand" href={href('/live')}>
          Sightline
        </a>
        <button type="button" className="menu-toggle" aria-expanded={open} aria-controls="main-nav" onClick={() => setOpen((o) => !o)}>
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={open ? 'open' : undefined}>
          {pages
            .filter((p) => p.nav && (!p.adminOnly || user.role === 'admin'))
            .map((p) => (
              <a key={p.path} href={href(`/${p.path}`)} aria-current={p.path === current ? 'page' : undefined}>
                {p.title}
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
    </div>
  );
}
