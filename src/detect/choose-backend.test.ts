import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyticsConfigSchema } from '../config/schema/index.ts';
import { resolveBackend, type BackendDeps } from './choose-backend.ts';

const detect = (extra: object = {}) => analyticsConfigSchema.parse({ detect: extra }).detect;
const working: BackendDeps = { loadOnnxRuntime: async () => ({}), prepareCenterNet: async (dir) => `${dir}/centernet.onnx` };
const missing: BackendDeps = {
  loadOnnxRuntime: async () => {
    throw new Error('libonnxruntime.so.1: cannot open shared object file\nmore detail');
  },
  prepareCenterNet: async () => {
    throw new Error('not reached');
  },
};

test('auto takes CenterNet on onnxruntime when it loads, cached under <dataDir>/models', async () => {
  const c = await resolveBackend(detect(), '/var/sightline', working);
  assert.deepEqual(c, { spec: { kind: 'centernet-onnx', modelPath: '/var/sightline/models/centernet.onnx', threads: 1 } });
});

test('auto falls back to tfjs-wasm with one line saying why when onnxruntime cannot load', async () => {
  const c = await resolveBackend(detect(), 'data', missing);
  assert.deepEqual(c.spec, { kind: 'tfjs-wasm' });
  assert.equal(c.notice, 'onnxruntime is not available (libonnxruntime.so.1: cannot open shared object file); detecting on the tfjs WebAssembly backend instead, about 3x slower');
});

test('auto falls back too when the conversion fails', async () => {
  const c = await resolveBackend(detect(), 'data', { ...working, prepareCenterNet: async () => Promise.reject(new Error('unsupported op Foo')) });
  assert.deepEqual(c.spec, { kind: 'tfjs-wasm' });
  assert.match(c.notice ?? '', /unsupported op Foo/);
});

test('onnx insists: a clear error instead of a fallback', async () => {
  await assert.rejects(resolveBackend(detect({ backend: 'onnx' }), 'data', missing), (e: Error & { code?: string }) => e.code === 'DETECTOR_FAILED' && /backend "onnx".*libonnxruntime/.test(e.message));
});

test('tfjs-wasm is taken as asked, without touching onnxruntime', async () => {
  assert.deepEqual(await resolveBackend(detect({ backend: 'tfjs-wasm' }), 'data', missing), { spec: { kind: 'tfjs-wasm' } });
});

test('yolo passes the user model through, and needs onnxruntime', async () => {
  const d = detect({ backend: 'yolo', threads: 2, yolo: { path: '/models/y.onnx', classes: ['person', 'car'] } });
  const c = await resolveBackend(d, 'data', working);
  assert.deepEqual(c.spec, { kind: 'yolo-onnx', threads: 2, yolo: { modelPath: '/models/y.onnx', classNames: ['person', 'car'], layout: 'auto', normalize: '0-1', channelOrder: 'rgb' } });
  await assert.rejects(resolveBackend(d, 'data', missing), /backend "yolo" needs onnxruntime-node/);
});

test('the config rejects backend yolo without a model', () => {
  const r = analyticsConfigSchema.safeParse({ detect: { backend: 'yolo' } });
  assert.equal(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /needs detect\.yolo/);
});
