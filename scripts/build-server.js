// `npm run build:server`: compiles src/ (tests left out) into dist/ with the TypeScript compiler, which
// rewrites the sources' `./x.ts` imports to `./x.js`, and copies the static files the compiled code
// serves (src/server/static → dist/server/static). dist/ mirrors src/, so paths the code resolves
// from its own location (../../package.json, ../../demo, ../../../web/dist) hold in both.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = fileURLToPath(new URL('../dist', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
cpSync(fileURLToPath(new URL('../src/server/static', import.meta.url)), fileURLToPath(new URL('../dist/server/static', import.meta.url)), { recursive: true });
