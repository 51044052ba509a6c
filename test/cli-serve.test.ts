import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { assertCleanFailure, EXIT_RUNTIME, EXIT_USAGE, runCli } from './fixtures/cli.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-serve-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('sightline serve refuses bad input with one clear line and the right exit status', async (t) => {
  const cases: { label: string; args: string[]; code: number; message: RegExp }[] = [
    { label: 'missing config file', args: ['--config', path.join(dir, 'nope.yml')], code: EXIT_USAGE, message: /config file .*nope\.yml does not exist/ },
    { label: 'invalid config', args: ['--config', file('bad.yml', 'server:\n  port: 99999\n')], code: EXIT_USAGE, message: /bad\.yml:2:9: server\.port: Too big/ },
    { label: 'unknown field', args: ['--config', file('unknown.yml', 'servr: {}\n')], code: EXIT_USAGE, message: /unknown field\(s\) "servr"/ },
    { label: 'camera URL with credentials', args: ['--config', file('creds.yml', 'cameras:\n  - name: gate\n    url: rtsp://admin:secret@127.0.0.1:1/x\n')], code: EXIT_USAGE, message: /holds a user name or password; give them in `credentials`/ },
    { label: 'missing camera file', args: ['--config', file('nofile.yml', `cameras:\n  - name: gate\n    url: ${path.join(dir, 'none.mp4')}\n`)], code: EXIT_USAGE, message: /the file .*none\.mp4 does not exist/ },
    { label: 'bad port flag', args: ['--port', 'eighty'], code: EXIT_USAGE, message: /--port must be a whole number/ },
    { label: 'stray argument', args: ['now'], code: EXIT_USAGE, message: /serve takes no positional arguments/ },
  ];
  for (const c of cases) {
    await t.test(c.label, async () => {
      const r = await runCli(['serve', '--data-dir', path.join(dir, 'data'), ...c.args]);
      assertCleanFailure(r, c.code, c.message, c.label);
      if (c.label === 'camera URL with credentials' && r.stderr.includes('secret')) throw new Error('the password was printed');
    });
  }
});

test('sightline serve on a port in use says so and exits 1, leaving no process behind', { timeout: 90_000 }, async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = await runCli(['serve', '--data-dir', path.join(dir, 'data2'), '--port', String(port), '--workers', '1']);
    assertCleanFailure(r, EXIT_RUNTIME, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: another program already uses that port`), 'port in use');
  } finally {
    blocker.close();
  }
});
