/**
 * Simulated cameras in a process of their own, for benchmarks that measure the server's process
 * alone: the demo clip looped over RTSP on one relay (127.0.0.1), N paths. Prints one JSON line
 * with the cameras' URLs once every path is live; stops everything when its stdin closes (the
 * benchmark exited) or on SIGTERM.
 *
 * `node --import tsx bench/camera-farm.ts N`
 */
import { startLoopingCamera, type LoopingCamera } from '../src/media/looping-camera.ts';
import { RtspRelay } from '../src/rtsp/rtsp-server.ts';
import { DEMO_CLIP } from '../src/server/demo.ts';

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1 || count > 64) {
  process.stderr.write(`camera-farm: expected a number of cameras from 1 to 64, got ${process.argv[2] ?? 'nothing'}\n`);
  process.exit(2);
}
const relay = new RtspRelay();
await relay.listen(0, '127.0.0.1');
const cameras: LoopingCamera[] = [];
for (let n = 1; n <= count; n++) cameras.push(await startLoopingCamera({ file: DEMO_CLIP, path: `cam${n}`, relay }));
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await Promise.all(cameras.map((c) => c.stop()));
  await relay.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ urls: cameras.map((c) => c.url), publisherPids: cameras.map((c) => c.publisherPid) })}\n`);
