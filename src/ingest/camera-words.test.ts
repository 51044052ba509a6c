import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cameraProblemInWords } from './camera-words.ts';

const CAM = 'rtsp://***@192.0.2.10:554/stream1';
const cases: [string, string, string, string][] = [
  ['refused', 'Cannot probe rtsp://127.0.0.1:1/x: [tcp @ 0x55d0c0a8] Connection to tcp://127.0.0.1:1?timeout=10000000 failed: Connection refused', 'rtsp://127.0.0.1:1/x', 'cannot connect to rtsp://127.0.0.1:1: connection refused (is the camera on, and is this its port?)'],
  ['wrong password', 'method OPTIONS failed: 401 Unauthorized; rtsp://cam/gate: Server returned 401 Unauthorized (authorization failed)', CAM, "rtsp://***@192.0.2.10:554 refused the credentials (401 Unauthorized): check the camera's user name and password"],
  ['forbidden', 'method DESCRIBE failed: 403 Forbidden', CAM, "rtsp://***@192.0.2.10:554 forbids this stream (403 Forbidden): check the user's rights on the camera"],
  ['wrong path', 'method DESCRIBE failed: 404 Not Found', CAM, 'rtsp://***@192.0.2.10:554 has no stream at /stream1 (404 Not Found): check the stream path'],
  ['unknown host', 'Failed to resolve hostname nvr.invalid: Name or service not known', 'rtsp://nvr.invalid/a', 'cannot find the host of rtsp://nvr.invalid: the name does not resolve'],
  ['no route', 'Connection to tcp://10.9.9.9:554 failed: No route to host', 'rtsp://10.9.9.9:554/a', 'cannot reach rtsp://10.9.9.9:554: no route to the host'],
  ['timeout', 'Cannot probe rtsp://10.0.0.1/a: ffprobe gave no answer in 20000 ms', 'rtsp://10.0.0.1/a', 'cannot connect to rtsp://10.0.0.1: no answer (timed out)'],
  ['hang-up', 'rtsp://cam/a: Connection reset by peer', 'rtsp://cam/a', 'rtsp://cam closed the connection'],
  ['missing file', 'Cannot probe /srv/a.mp4: /srv/a.mp4: No such file or directory', '/srv/a.mp4', 'no such file: /srv/a.mp4'],
  ['not a video', '/srv/a.mp4: Invalid data found when processing input', '/srv/a.mp4', '/srv/a.mp4 sends nothing ffmpeg can decode as video'],
  ['unknown text kept, without ffmpeg context addresses', '[h264 @ 0x5599aa] something odd', 'rtsp://cam/a', 'rtsp://cam failed: something odd'],
];
for (const [label, text, where, want] of cases) {
  test(`cameraProblemInWords: ${label}`, () => assert.equal(cameraProblemInWords(text, where), want));
}
