#!/usr/bin/env node
// Entry point of the `sightline` command: registers the TypeScript loader and hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
// A reader that closed the pipe (`sightline eval ... | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
