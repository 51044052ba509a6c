import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { BIN } from './fixtures/cli.ts';
import { ROOT } from './fixtures/data.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-fallback-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: readonly string[], preload: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...preload, BIN, ...args], { cwd: ROOT, env, timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const demo = path.join(ROOT, 'demo', 'pets09-s2l1-excerpt.mp4');
const args = (out: string): string[] => ['analyze', demo, '--config', path.join(ROOT, 'demo', 'demo.yml'), '--out', out, '--fps', '1', '--workers', '1', '--data-dir', path.join(dir, 'data')];

test('where onnxruntime cannot load, analyze still works on tfjs-wasm and says so in one line', async () => {
  const out = path.join(dir, 'fallback');
  const r = await run(args(out), ['--import', path.join(ROOT, 'test', 'fixtures', 'no-onnxruntime.mjs')]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => l !== '');
  assert.deepEqual(lines, ['sightline: onnxruntime is not available (simulated: onnxruntime-node has no binary for this platform); detecting on the tfjs WebAssembly backend instead, about 3x slower']);
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { detector: { name: string }; frames: number };
  assert.equal(summary.detector.name, 'centernet-tfjs-wasm');
  assert.equal(summary.frames, 30);
});

test('where onnxruntime loads, analyze uses it silently and caches the converted model', async () => {
  const out = path.join(dir, 'onnx');
  const r = await run(args(out), []);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.trim(), '');
  const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { detector: { name: string } };
  assert.equal(summary.detector.name, 'centernet-onnx');
  const models = path.join(dir, 'data', 'models');
  const onnx = readdirSync(models).filter((f) => /^centernet-[0-9a-f]{16}\.onnx$/.test(f));
  assert.equal(onnx.length, 1, `expected one converted model in ${models}`);
  assert.ok(readFileSync(path.join(models, onnx[0]!)).length > 1_000_000, 'the converted model is too small');
});
