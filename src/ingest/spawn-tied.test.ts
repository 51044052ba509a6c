import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { findsExecutable } from './spawn-tied.ts';

const running = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
};

test('findsExecutable looks names up in PATH and checks paths', () => {
  assert.equal(findsExecutable('sh'), true);
  assert.equal(findsExecutable('/bin/sh'), true);
  assert.equal(findsExecutable('no-such-binary-sightline'), false);
  assert.equal(findsExecutable('/nonexistent/ffmpeg'), false);
});

test('a tied child ends when its parent is killed with SIGKILL', { skip: process.platform !== 'linux' }, async () => {
  // A parent process spawns a tied `sleep 60` and prints its pid; then the parent is SIGKILLed.
  const module = path.join(import.meta.dirname, 'spawn-tied.ts');
  const script = `import { spawnTied } from ${JSON.stringify(module)}; const c = spawnTied('sleep', ['60'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(running(pid), 'the child runs');
  parent.kill('SIGKILL');
  const deadline = Date.now() + 5000;
  while (running(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(running(pid), false, 'the child ended with its parent');
});
