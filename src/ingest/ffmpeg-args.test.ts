import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analysedRate,
  decodeArgs, ffmpegErrorCode, fitGeometry, FrameNumbering, inputArgs, isLive, parseShowinfo, probeArgs, problemLine,
  RawFrameSplitter, snapshotArgs, sourceKind, toSourceBox, toSourcePoint, type ShowinfoLine,
} from './ffmpeg-args.ts';

/** The value that follows `flag` in `args`. */
function valueOf(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

test('sourceKind tells files, RTSP, HTTP and other streams apart', () => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['/data/a.mp4', 'file'], ['clip.avi', 'file'], ['file:///data/a.mp4', 'file'], ['C:\\v\\a.mp4', 'file'],
    ['rtsp://cam/live', 'rtsp'], ['RTSPS://cam/live', 'rtsp'], ['http://cam/v.mjpg', 'http'], ['https://cam/v.ts', 'http'],
    ['rtmp://srv/app', 'stream'], ['udp://239.0.0.1:1234', 'stream'],
  ];
  for (const [url, kind] of table) assert.equal(sourceKind(url), kind, url);
  assert.equal(isLive('file'), false);
  assert.equal(isLive('rtsp'), true);
});

test('inputArgs: files plain, RTSP over TCP with a socket timeout, HTTP with reconnects and an I/O timeout', () => {
  assert.deepEqual(inputArgs('file'), []);
  assert.deepEqual(inputArgs('rtsp', 5000), ['-rtsp_transport', 'tcp', '-timeout', '5000000']);
  const http = inputArgs('http', 2500);
  assert.equal(valueOf(http, '-reconnect'), '1');
  assert.equal(valueOf(http, '-reconnect_streamed'), '1');
  assert.equal(valueOf(http, '-rw_timeout'), '2500000');
  assert.deepEqual(inputArgs('stream', 1000), ['-rw_timeout', '1000000']);
});

test('analysedRate: every k-th source frame, at least the rate asked for', async (t) => {
  const cases: { name: string; requested: number; source: number | null; want: number }[] = [
    { name: '25 fps camera at 5: every 5th frame', requested: 5, source: 25, want: 5 },
    { name: '30 fps camera at 5: every 6th frame', requested: 5, source: 30, want: 5 },
    { name: '29.97 fps camera at 5: every 6th frame, within 1% of the rate', requested: 5, source: 30000 / 1001, want: 30000 / 1001 / 6 },
    { name: '7 fps camera at 5: every frame, not 5 of 7', requested: 5, source: 7, want: 7 },
    { name: '12 fps camera at 5: every other frame', requested: 5, source: 12, want: 6 },
    { name: '10 fps camera at 5: every other frame', requested: 5, source: 10, want: 5 },
    { name: 'a camera slower than asked: every frame', requested: 5, source: 2, want: 2 },
    { name: 'an unknown rate: as asked', requested: 5, source: null, want: 5 },
    { name: 'a time base taken for a rate (90000): as asked', requested: 5, source: 90_000, want: 5 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.ok(Math.abs(analysedRate(c.requested, c.source) - c.want) < 1e-9, `${analysedRate(c.requested, c.source)}`));
});

test('decodeArgs for a file: raw RGB24 on stdout, showinfo on stderr, no -re, no stdin, every frame passed through', () => {
  const args = decodeArgs('/data/a.mp4');
  assert.ok(!args.includes('-re'));
  for (const flag of ['-nostdin', '-hide_banner', '-nostats']) assert.ok(args.includes(flag), flag);
  assert.equal(valueOf(args, '-loglevel'), 'level+info');
  assert.equal(valueOf(args, '-i'), '/data/a.mp4');
  assert.equal(valueOf(args, '-map'), '0:v:0');
  assert.equal(valueOf(args, '-pix_fmt'), 'rgb24');
  assert.equal(valueOf(args, '-f'), 'rawvideo');
  assert.equal(valueOf(args, '-fps_mode'), 'passthrough');
  assert.equal(args.at(-1), 'pipe:1');
  assert.equal(valueOf(args, '-vf'), 'format=rgb24,showinfo@out=checksum=0');
  assert.ok(args.indexOf('-nostdin') < args.indexOf('-i'));
});

test('decodeArgs puts input options before -i and builds the fit and rate filters', () => {
  const args = decodeArgs('rtsp://u:p@cam/live', { size: { width: 640, height: 360 }, fit: 'letterbox', fps: 2, timeoutMs: 3000 });
  assert.ok(args.indexOf('-rtsp_transport') < args.indexOf('-i'));
  assert.equal(valueOf(args, '-timeout'), '3000000');
  assert.equal(
    valueOf(args, '-vf'),
    "showinfo@src=checksum=0,select='isnan(prev_selected_t)+gt(floor(t*2+0.02),floor(prev_selected_t*2+0.02))'," +
      'scale=w=640:h=360:force_original_aspect_ratio=decrease,format=rgb24,pad=w=640:h=360:x=0:y=0:color=black,showinfo@out=checksum=0',
  );
  const stretch = decodeArgs('a.mp4', { size: { width: 320, height: 320 }, fit: 'stretch' });
  assert.equal(valueOf(stretch, '-vf'), 'scale=w=320:h=320,format=rgb24,showinfo@out=checksum=0');
  assert.throws(() => decodeArgs('a.mp4', { fps: 0 }), RangeError);
  assert.throws(() => decodeArgs('a.mp4', { size: { width: 10.5, height: 3 } }), RangeError);
});

test('snapshotArgs grabs one frame at the source size, seeking only in files', () => {
  const args = snapshotArgs('a.mp4', { atSeconds: 3.5 });
  assert.equal(valueOf(args, '-frames:v'), '1');
  assert.equal(valueOf(args, '-ss'), '3.5');
  assert.ok(args.indexOf('-ss') < args.indexOf('-i'));
  assert.ok(!valueOf(args, '-vf')?.includes('scale'));
  assert.equal(valueOf(snapshotArgs('rtsp://cam/live', { atSeconds: 3 }), '-ss'), undefined);
});

test('probeArgs asks ffprobe for the first video stream as JSON with the input options of the kind', () => {
  const args = probeArgs('rtsp://cam/live', 4000);
  assert.equal(valueOf(args, '-select_streams'), 'v:0');
  assert.equal(valueOf(args, '-print_format'), 'json');
  assert.equal(valueOf(args, '-rtsp_transport'), 'tcp');
  assert.equal(args.at(-1), 'rtsp://cam/live');
});

test('fitGeometry: stretch maps each axis by its own factor', () => {
  const g = fitGeometry({ width: 1920, height: 1080 }, { width: 640, height: 640 }, 'stretch');
  assert.deepEqual(g.content, { width: 640, height: 640 });
  assert.equal(g.scaleX, 3);
  assert.equal(g.scaleY, 1080 / 640);
  assert.deepEqual(toSourcePoint(g, [320, 320]), [960, 540]);
});

test('fitGeometry: letterbox keeps the aspect ratio, rounds like ffmpeg, pads right and bottom', () => {
  const table: ReadonlyArray<readonly [sw: number, sh: number, ow: number, oh: number, cw: number, ch: number]> = [
    [1920, 1080, 640, 640, 640, 360],
    [768, 576, 512, 512, 512, 384],
    [320, 240, 160, 160, 160, 120],
    [1080, 1920, 640, 640, 360, 640],
    [640, 480, 640, 480, 640, 480],
    [1000, 333, 300, 300, 300, 100],
    [160, 120, 640, 640, 640, 480],
  ];
  for (const [sw, sh, ow, oh, cw, ch] of table) {
    const g = fitGeometry({ width: sw, height: sh }, { width: ow, height: oh }, 'letterbox');
    assert.deepEqual(g.content, { width: cw, height: ch }, `${sw}x${sh} in ${ow}x${oh}`);
    assert.equal(g.scaleX, sw / cw);
    assert.equal(g.scaleY, sh / ch);
  }
});

test('toSourceBox scales a box back and clips what reaches into the padding', () => {
  const g = fitGeometry({ width: 1920, height: 1080 }, { width: 640, height: 640 }, 'letterbox');
  assert.deepEqual(toSourceBox(g, { x: 10, y: 20, w: 30, h: 40 }), { x: 30, y: 60, w: 90, h: 120 });
  assert.deepEqual(toSourceBox(g, { x: 600, y: 300, w: 100, h: 100 }), { x: 1800, y: 900, w: 120, h: 180 });
});

test('parseShowinfo reads the frame number, timestamps and size of ffmpeg 5.1 showinfo lines', () => {
  const out = '[showinfo@out @ 0x564d64cd7680] [info] n:  12 pts:  12288 pts_time:1.2     pos:     3712 fmt:rgb24 sar:1/1 s:160x160 i:P iskey:0 type:P ';
  assert.deepEqual(parseShowinfo(out), { filter: 'out', n: 12, pts: 12288, ptsTime: 1.2, width: 160, height: 160 });
  const src = '[showinfo@src @ 0x1] [info] n:   0 pts:NOPTS pts_time:NOPTS pos:      48 fmt:yuv420p sar:1/1 s:320x240 i:P iskey:1 type:I ';
  assert.deepEqual(parseShowinfo(src), { filter: 'src', n: 0, pts: null, ptsTime: null, width: 320, height: 240 });
  const newer = '[showinfo@out @ 0x2] [info] n:   3 pts:    3 pts_time:0.3 duration:1 duration_time:0.1 fmt:rgb24 cl:left sar:1/1 s:64x48 i:P iskey:0 type:P checksum:0';
  assert.equal(parseShowinfo(newer)?.width, 64);
  for (const other of ['[showinfo@out @ 0x1] [info] color_range:pc color_space:gbr', '[info] Input #0, mov', 'n: 1 pts: 1 pts_time:1 s:1x1 ']) {
    assert.equal(parseShowinfo(other), null, other);
  }
});

test('problemLine keeps warnings and errors with their component, drops info', () => {
  assert.equal(problemLine('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5625] [error] moov atom not found'), 'mov,mp4,m4a,3gp,3g2,mj2: moov atom not found');
  assert.equal(problemLine('[error] nope.mp4: No such file or directory'), 'nope.mp4: No such file or directory');
  assert.equal(problemLine("[fatal] Stream map '0:v:0' matches no streams."), "Stream map '0:v:0' matches no streams.");
  assert.equal(problemLine('[info] Stream mapping:'), null);
  assert.equal(problemLine('[showinfo@out @ 0x1] [info] n:   0 pts: 0'), null);
});

test('ffmpegErrorCode classifies the stderr of typical failures', () => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['nope.mp4: No such file or directory', 'SOURCE_NOT_FOUND'],
    ['method DESCRIBE failed: 404 Not Found', 'SOURCE_NOT_FOUND'],
    ['rtsp://***@127.0.0.1:9/x: Connection refused', 'SOURCE_UNREACHABLE'],
    ['method DESCRIBE failed: 401 Unauthorized', 'SOURCE_UNREACHABLE'],
    ['tcp: Connection timed out', 'SOURCE_UNREACHABLE'],
    ["Stream map '0:v:0' matches no streams.", 'NO_VIDEO_STREAM'],
    ['mov,mp4: moov atom not found', 'INVALID_MEDIA'],
    ['rnd.mp4: Invalid data found when processing input', 'INVALID_MEDIA'],
    ['Conversion failed!', 'DECODE_FAILED'],
  ];
  for (const [line, code] of table) assert.equal(ffmpegErrorCode([line]), code, line);
  assert.equal(ffmpegErrorCode([]), 'DECODE_FAILED');
});

test('FrameNumbering gives each output frame its source number: by pts when subsampled, else its own count', () => {
  const line = (filter: 'src' | 'out', n: number, pts: number | null): ShowinfoLine => ({ filter, n, pts, ptsTime: pts, width: 2, height: 2 });
  const plain = new FrameNumbering();
  assert.deepEqual([0, 1, 2].map((n) => plain.push(line('out', n, n * 10))), [1, 2, 3]);
  const sub = new FrameNumbering();
  const fed = [line('src', 0, 0), line('out', 0, 0), line('src', 1, 10), line('src', 2, 20), line('src', 3, 30), line('out', 1, 30),
    line('src', 4, null), line('out', 2, null), line('src', 5, 50), line('out', 3, 50)];
  assert.deepEqual(fed.map((l) => sub.push(l)), [null, 1, null, null, null, 4, null, 5, null, 6]);
});

test('RawFrameSplitter cuts frames at any chunk boundary, with sizes before or after the bytes', () => {
  type Meta = { readonly width: number; readonly height: number; readonly id: number };
  const metas: Meta[] = [{ width: 2, height: 1, id: 1 }, { width: 1, height: 1, id: 2 }, { width: 3, height: 2, id: 3 }];
  const bytes = Uint8Array.from({ length: 6 + 3 + 18 }, (_, i) => i);
  const expected = [Array.from(bytes.subarray(0, 6)), Array.from(bytes.subarray(6, 9)), Array.from(bytes.subarray(9))];
  for (const chunkSize of [1, 2, 3, 5, 7, 27, 100]) {
    for (const metasFirst of [true, false]) {
      const out: Array<readonly [number, number[]]> = [];
      const splitter = new RawFrameSplitter<Meta>((meta, data) => out.push([meta.id, Array.from(data)]));
      if (metasFirst) metas.forEach((m) => splitter.pushMeta(m));
      for (let i = 0; i < bytes.length; i += chunkSize) splitter.pushData(bytes.subarray(i, i + chunkSize));
      if (!metasFirst) metas.forEach((m) => splitter.pushMeta(m));
      assert.deepEqual(out, expected.map((data, i) => [i + 1, data]), `chunks of ${chunkSize}, metas first: ${metasFirst}`);
      assert.equal(splitter.pendingBytes, 0);
    }
  }
});

test('RawFrameSplitter decodes into buffers of its pool when given one: a frame\'s buffer handed back is filled again', async () => {
  const { BufferPool } = await import('../core/buffer-pool.ts');
  const pool = new BufferPool(2);
  const frames: Uint8Array[] = [];
  const splitter = new RawFrameSplitter<{ width: number; height: number }>((_, data) => frames.push(data), pool);
  for (let k = 0; k < 4; k++) {
    splitter.pushMeta({ width: 2, height: 1 });
    splitter.pushData(Uint8Array.from({ length: 6 }, (_, i) => 10 * k + i));
    const got = frames.at(-1)!;
    assert.deepEqual(Array.from(got), [0, 1, 2, 3, 4, 5].map((i) => 10 * k + i), `frame ${k}: its own bytes, whatever the buffer held`);
    assert.equal(got.buffer.byteLength, 6);
    pool.give(got.buffer);
  }
  assert.deepEqual(pool.stats, { reused: 3, allocated: 1, free: 1 }, 'one buffer served all four frames');
});
