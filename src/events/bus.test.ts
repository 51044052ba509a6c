import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessBus } from './bus.ts';
import type { CameraHealth } from './live-event.ts';

const health = (cameraId: string): CameraHealth => ({
  cameraId, cameraName: cameraId, state: 'connected', fps: 5, analysedFps: 5, lastFrameAt: 1, lastError: null, reconnects: 0, droppedFrames: 0, recording: false, frameSize: null,
});

test('the in-process bus delivers each message to every subscriber of its topic only', () => {
  const bus = new InProcessBus();
  const got: string[] = [];
  const off = bus.subscribe('health', (m) => got.push(`a:${m.cameraId}`));
  bus.subscribe('health', (m) => got.push(`b:${m.cameraId}`));
  bus.subscribe('count', () => got.push('count'));
  bus.publish('health', health('c1'));
  off();
  bus.publish('health', health('c2'));
  assert.deepEqual(got, ['a:c1', 'b:c1', 'b:c2']);
});

test('a subscriber that throws is reported and does not stop the others', () => {
  const errors: string[] = [];
  const bus = new InProcessBus((topic, e) => errors.push(`${topic}:${(e as Error).message}`));
  const got: string[] = [];
  bus.subscribe('health', () => {
    throw new Error('boom');
  });
  bus.subscribe('health', (m) => got.push(m.cameraId));
  bus.publish('health', health('c1'));
  assert.deepEqual(got, ['c1']);
  assert.deepEqual(errors, ['health:boom']);
});
