/** The frame of every signed-in page: navigation (from the page list, filtered by role), the user, sign-out. */
import type { ReactNode } from 'react';
import type { User } from '../api/types.ts';
import type { PageEntry } from '../pages/registry.ts';
import { href } from '../router.ts';
import { useSession } from '../session.tsx';

/** Navigation and content. */
export function Layout({ user, pages, current, children }: { readonly user: User; readonly pages: readonly PageEntry[]; readonly current: string; readonly children: ReactNode }): ReactNode {
  const { logout } = useSession();
  return (
    <div className="app">
      <header>
        <a className="brand" href={href('/live')}>
          Sightline
        </a>
        <nav aria-label="Main">
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
