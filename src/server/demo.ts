/**
 * The demo camera of `npm start`: a real RTSP stream on 127.0.0.1 that loops the PETS excerpt
 * shipped in demo/, analysed with the demo counting lines and zone.
 */
import path from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { CameraConfig } from '../config/schema/server.ts';
import { cameraSchema } from '../config/schema/server.ts';
import { startLoopingCamera, type LoopingCamera } from '../media/looping-camera.ts';

/** The repository's demo folder. */
export const DEMO_DIR = path.resolve(import.meta.dirname, '../../demo');

/** The demo clip (PETS 2009 S2.L1 excerpt, attribution in demo/README.md). */
export const DEMO_CLIP = path.join(DEMO_DIR, 'pets09-s2l1-excerpt.mp4');

/** Default RTSP port of the demo camera (a free one is taken when it is busy). */
export const DEMO_RTSP_PORT = 8554;

/** A running demo camera and its definition. */
export interface DemoCamera {
  readonly camera: CameraConfig;
  readonly stream: LoopingCamera;
}

/** Starts the looping RTSP demo stream on 127.0.0.1 and returns the camera definition that analyses it. */
export async function startDemoCamera(options: { readonly port?: number; readonly onLog?: (line: string) => void } = {}): Promise<DemoCamera> {
  const analytics = await loadConfig(path.join(DEMO_DIR, 'demo.yml'));
  if (!analytics.ok) throw analytics.error;
  let stream: LoopingCamera;
  try {
    stream = await startLoopingCamera({ file: DEMO_CLIP, path: 'demo', port: options.port ?? DEMO_RTSP_PORT, ...(options.onLog && { onLog: options.onLog }) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw error;
    stream = await startLoopingCamera({ file: DEMO_CLIP, path: 'demo', port: 0, ...(options.onLog && { onLog: options.onLog }) });
  }
  const camera = cameraSchema.parse({
    name: 'demo',
    url: stream.url,
    purpose: {
      statement: 'Demo: a looped public research clip (PETS 2009 S2.L1) counting people crossing two lines and watching a plaza.',
      allows: ['counting', 'zones', 'heatmap'],
    },
    fps: 5,
    record: { mode: 'continuous' },
    analytics: analytics.value,
  });
  return { camera, stream };
}
