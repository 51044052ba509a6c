import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOpeningLine, parseSegmentListLine, recordArgs } from './record-args.ts';

test('recordArgs: input options by kind of source, stream copy into MPEG-TS segments listed on stdout', () => {
  const cases: Array<[string, string[]]> = [
    ['rtsp://u:p@cam/1', ['-rtsp_transport', 'tcp', '-timeout', '3000000', '-i', 'rtsp://u:p@cam/1']],
    ['rtsps://cam/1', ['-rtsp_transport', 'tcp', '-timeout', '3000000', '-i', 'rtsps://cam/1']],
    ['https://cam/live.ts', ['-reconnect', '1', '-reconnect_streamed', '1', '-reconnect_delay_max', '2', '-rw_timeout', '3000000', '-i', 'https://cam/live.ts']],
    ['/videos/demo.mp4', ['-re', '-stream_loop', '-1', '-i', '/videos/demo.mp4']],
  ];
  for (const [url, input] of cases) {
    const args = recordArgs({ url, pattern: '/data/recordings/c/incoming/1-%05d.ts', segmentSeconds: 10, timeoutMs: 3000 });
    const i = args.indexOf('-i');
    assert.deepEqual(args.slice(args.indexOf('level+info') + 1, i + 2), input, url);
    assert.deepEqual(args.slice(i + 2), [
      '-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy',
      '-f', 'segment', '-segment_time', '10', '-segment_format', 'mpegts', '-reset_timestamps', '1',
      '-segment_format_options', 'flush_packets=1',
      '-segment_list', 'pipe:1', '-segment_list_type', 'csv', '-segment_list_flags', 'live',
      '/data/recordings/c/incoming/1-%05d.ts',
    ]);
  }
  assert.throws(() => recordArgs({ url: 'x.mp4', pattern: 'p', segmentSeconds: 0 }), RangeError);
});

test('parseSegmentListLine reads ffmpeg CSV segment list lines', () => {
  const cases: Array<[string, ReturnType<typeof parseSegmentListLine>]> = [
    ['1700000000000-00003.ts,6.200000,8.200000', { name: '1700000000000-00003.ts', start: 6.2, end: 8.2 }],
    ['/abs/dir/a-00000.ts,0.000000,2.200000\r', { name: 'a-00000.ts', start: 0, end: 2.2 }],
    ['"we,ird ""name"".ts",1.5,2', { name: 'we,ird "name".ts', start: 1.5, end: 2 }],
    ['x.ts,1e-06,2.5', { name: 'x.ts', start: 1e-6, end: 2.5 }],
    ['', null],
    ['x.ts,1.0', null],
    [',1,2', null],
    ['x.ts,abc,2', null],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseSegmentListLine(line), expected, JSON.stringify(line));
});

test('parseOpeningLine finds the segment files ffmpeg opens', () => {
  const cases: Array<[string, string | null]> = [
    ["[segment @ 0x55fe203d9400] [info] Opening '/data/recordings/c/incoming/17-00001.ts' for writing", '17-00001.ts'],
    ["[segment @ 0x55fe203d9400] Opening 'a-00000.ts' for writing", 'a-00000.ts'],
    ["[segment @ 0x55fe203d9400] [info] Opening 'pipe:1' for writing", null],
    ["[hls @ 0x1] [info] Opening 'x.ts' for writing", null],
    ['[info] frame=   52 fps= 11', null],
  ];
  for (const [line, expected] of cases) assert.equal(parseOpeningLine(line), expected, line);
});
