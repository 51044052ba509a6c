import { existsSync } from 'node:fs';
import { loadYamlWith } from '../config/load.ts';
import { serverConfigSchema, type ServerConfig } from '../config/schema/server.ts';
import { SightlineError } from '../core/errors.ts';
import { startServer } from '../server/server.ts';
import { dataDirFrom, parseCommandArgs, positiveNumber } from './args.ts';

/** `sightline serve`: runs the server until SIGINT or SIGTERM. */
export async function runServe(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, {
    config: { type: 'string', short: 'c' },
    'data-dir': { type: 'string' },
    demo: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string' },
    workers: { type: 'string' },
  });
  if (positionals.length > 0) throw new SightlineError('USAGE', `serve takes no positional arguments, got "${positionals.join(' ')}"`);
  const file = values.config ?? (existsSync('sightline.yml') ? 'sightline.yml' : undefined);
  let config: ServerConfig = serverConfigSchema.parse({});
  if (file !== undefined) {
    const loaded = await loadYamlWith(serverConfigSchema, file);
    if (!loaded.ok) throw loaded.error;
    config = loaded.value;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new SightlineError('USAGE', `--port must be a whole number from 0 to 65535, got "${values.port}"`);
  config = { ...config, server: { ...config.server, ...(port !== undefined && { port }), ...(values.host !== undefined && { host: values.host }) } };
  const workers = positiveNumber('workers', values.workers, true);
  const dataDir = dataDirFrom(values['data-dir']);
  const server = await startServer({ config, dataDir, demo: values.demo, ...(workers !== undefined && { workers }) });
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(`Sightline is running at ${server.url} (data in ${dataDir}; TLS certificate ${server.tls.source === 'user' ? server.tls.certFile : `self-signed, SHA-256 ${server.tls.fingerprint256}`})`);
  if (server.httpUrl !== null) out(`Plain HTTP for this machine only: ${server.httpUrl}`);
  if (server.demo) out(`Demo camera: ${server.demo.stream.url}`);
  if (server.setupUrl !== null) out(`No admin exists yet. Create one with this one-time link (valid for 1 hour): ${server.setupUrl}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out('Stopping: finishing recordings and closing the database...');
  await server.close();
  out('Stopped.');
  return 0;
}
