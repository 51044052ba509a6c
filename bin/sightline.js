#!/usr/bin/env node
// Entry point of the `sightline` command: runs the compiled CLI in dist/ (built by `npm run build`,
// which `npm ci` runs); no TypeScript loader is involved.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('sightline: the compiled program (dist/) is missing; run "npm run build" (npm ci runs it) first.\n');
  process.exit(1);
}
// A reader that closed the pipe (`sightline eval ... | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const cli = await import(main.href);
process.exitCode = await cli.main(process.argv.slice(2));
