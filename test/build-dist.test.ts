// The compiled program: `npm run build:server` (which `npm ci` and `npm test` run) compiles src/ into
// dist/, and `bin/sightline.js` runs it with no TypeScript loader, in the main thread and in the
// detector's worker threads. Each run here is preloaded with fixtures/no-transpiler.mjs, which lists
// every module the run resolves and fails it if tsx or esbuild is among them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BIN } from './fixtures/cli.ts';
import { ROOT } from './fixtures/data.ts';

const DIST = path.join(ROOT, 'dist');
const NO_TRANSPILER = path.join(ROOT, 'test', 'fixtures', 'no-transpiler.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-dist-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The file: URLs of the modules the run resolved, main thread and workers, first seen first. */
  readonly modules: readonly string[];
}

let runs = 0;
function run(args: readonly string[]): Promise<Run> {
  const log = path.join(dir, `modules-${++runs}.log`);
  const env: NodeJS.ProcessEnv = { ...process.env, SIGHTLINE_MODULE_LOG: log };
  delete env.NODE_TEST_CONTEXT;
  // No NODE_OPTIONS from the test runner's own loader: the child must stand on its own.
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', NO_TRANSPILER, ...args], { cwd: ROOT, env, timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => {
      const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : [];
      resolve({ code, stdout, stderr, modules: [...new Set(lines.filter((l) => l.startsWith('file:')))] });
    });
  });
}

const inProject = (modules: readonly string[]): string[] =>
  modules.filter((u) => u.startsWith(pathToFileURL(ROOT).href + '/') && !u.includes('/node_modules/')).map((u) => path.relative(ROOT, new URL(u).pathname));

test('dist/ holds plain JavaScript: every relative import names a .js file, and nothing imports tsx', () => {
  const files = readdirSync(DIST, { recursive: true }).map(String).filter((f) => f.endsWith('.js') && !f.startsWith(path.join('server', 'static')));
  assert.ok(files.includes(path.join('cli', 'main.js')) && files.includes(path.join('detect', 'detect-worker.js')), 'the CLI and the detection worker are compiled');
  assert.ok(!files.includes(path.join('detect', 'worker-entry.js')), 'the loader-registering worker entry of the sources is not part of dist/');
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g;
  let relative = 0;
  for (const file of files) {
    const text = readFileSync(path.join(DIST, file), 'utf8');
    for (const [, , spec] of text.matchAll(specifier)) {
      assert.ok(!/^tsx(\/|$)|^esbuild(\/|$)/.test(spec!), `${file} imports ${spec!}`);
      if (!spec!.startsWith('.')) continue;
      relative++;
      assert.match(spec!, /\.js$/, `${file} imports ${spec!}`);
      assert.ok(existsSync(path.resolve(DIST, path.dirname(file), spec!)), `${file} imports ${spec!}, which is not in dist/`);
    }
  }
  assert.ok(relative > files.length, `only ${relative} relative imports found in ${files.length} files: the pattern misses them`);
  for (const f of readdirSync(path.join(ROOT, 'src', 'server', 'static'))) assert.ok(existsSync(path.join(DIST, 'server', 'static', f)), `static file ${f} copied`);
});

test('the no-transpiler preload does fail a run that loads tsx', async () => {
  const r = await run(['--input-type=module', '-e', "await import('tsx/esm/api')"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /a transpiler was loaded: .*\/node_modules\/tsx\//);
});

test('sightline --version loads the CLI module and the error type only, from dist/, with no loader', async () => {
  const r = await run([BIN, '--version']);
  assert.equal(r.code, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.stdout, `sightline ${pkg.version}\n`);
  assert.deepEqual(inProject(r.modules), ['bin/sightline.js', 'dist/cli/main.js', 'dist/core/errors.js']);
  assert.deepEqual(r.modules.filter((u) => u.includes('/node_modules/')), [], 'no package is loaded');
});

test('sightline analyze runs from dist/ and its detector workers start dist/detect/detect-worker.js, with no loader', async () => {
  const out = path.join(dir, 'out');
  const r = await run([BIN, 'analyze', path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4'), '--config', path.join(ROOT, 'demo', 'demo.yml'), '--out', out, '--fps', '1', '--workers', '1', '--data-dir', path.join(dir, 'data')]);
  assert.equal(r.code, 0, r.stderr);
  const mine = inProject(r.modules);
  assert.ok(mine.includes('dist/detect/detect-worker.js'), 'the worker thread ran the compiled detection worker');
  assert.deepEqual(mine.filter((f) => !f.startsWith('dist/') && f !== 'bin/sightline.js'), [], 'nothing outside dist/ and bin/ runs');
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { frames: number };
  assert.equal(summary.frames, 30);
});
