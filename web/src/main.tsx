import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadChecks } from './api/load-checks.ts';
import { App } from './App.tsx';
import { SessionProvider } from './session.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);

// Zod and the server's schemas load as their own chunk, after the first render and while the
// first request (GET /api/auth/me) is in flight; every call awaits them with its fetch. A failed
// load is reported by the calls that need it (and retried by them), not here.
void loadChecks().catch(() => undefined);
