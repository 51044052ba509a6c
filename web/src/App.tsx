/** The app: sign-in when signed out, otherwise the page of the current route inside the layout. */
import type { ReactNode } from 'react';
import { Layout } from './components/Layout.tsx';
import { Login } from './components/Login.tsx';
import { PAGES } from './pages/index.ts';
import { useRoute } from './router.ts';
import { useSession } from './session.tsx';

/** The root component. */
export function App(): ReactNode {
  const { user } = useSession();
  const route = useRoute();
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) return <Login />;
  const path = route.parts[0] ?? 'live';
  const page = PAGES.find((p) => p.path === path);
  let content: ReactNode;
  // Every page has a first-level heading, these two included.
  if (!page)
    content = (
      <>
        <h1>Not found</h1>
        <p role="alert">No such page.</p>
      </>
    );
  else if (page.adminOnly && user.role !== 'admin')
    content = (
      <>
        <h1>{page.title}</h1>
        <p role="alert" className="error">
          This page is for administrators.
        </p>
      </>
    );
  else content = page.render({ route, user });
  return (
    <Layout user={user} pages={PAGES} current={path}>
      {content}
    </Layout>
  );
}
