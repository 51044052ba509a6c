/**
 * Zod without its compiled fast path: it probes `new Function`, which the server's
 * Content-Security-Policy (no 'unsafe-eval') refuses and reports. Imported first by api/checks.ts
 * (the only module that builds schemas, loaded as its own chunk), so it is set before any schema is
 * built (Zod decides when a schema is made, not when it parses).
 */
import { z } from 'zod';

z.config({ jitless: true });
