// One ffmpeg decodes the demo clip and copies it as fragmented MP4 into an Mp4Broadcast: viewers
// get the init segment, then fragments from a key frame on, the first with its stream time, which
// is the time of the decoded frame showing the same picture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FfmpegSource } from '../ingest/ffmpeg-source.ts';
import { DEMO_CLIP } from '../server/demo.ts';
import { mp4FragmentInfo, mp4InitInfo } from './mp4-boxes.ts';
import { Mp4Broadcast } from './mp4-broadcast.ts';

interface Seen {
  mime: string | null;
  init: Buffer | null;
  media: { data: Buffer; streamTime: number | undefined }[];
  end: string | null | undefined;
  initBeforeMedia: boolean;
}

function viewer(broadcast: Mp4Broadcast): { seen: Seen; close(): Promise<void> } {
  const seen: Seen = { mime: null, init: null, media: [], end: undefined, initBeforeMedia: true };
  const session = broadcast.open({
    onInit: (mime, init) => {
      seen.mime = mime;
      seen.init = init;
    },
    onMedia: (data, streamTime) => {
      if (seen.init === null) seen.initBeforeMedia = false;
      seen.media.push({ data, streamTime });
    },
    onEnd: (reason) => {
      seen.end = reason;
    },
  });
  return { seen, close: () => session.close() };
}

test('viewers of the decoder\'s MP4: init first, then fragments from a key frame, stamped with the stream time of that frame', { timeout: 60_000 }, async () => {
  const broadcast = new Mp4Broadcast();
  const early = viewer(broadcast);
  const source = new FfmpegSource({ url: DEMO_CLIP, live: false, mp4: broadcast });
  const frameTimes: number[] = [];
  let late: ReturnType<typeof viewer> | null = null;
  let leaver: ReturnType<typeof viewer> | null = null;
  for await (const frame of source) {
    frameTimes.push(frame.time);
    // Half way through a group of pictures, most likely: the late viewer starts from the kept key frame.
    if (frameTimes.length === 47) late = viewer(broadcast);
    if (frameTimes.length === 10) leaver = viewer(broadcast);
    if (frameTimes.length === 20) await leaver?.close();
  }
  assert.ok(late !== null && leaver !== null);
  assert.equal(frameTimes.length, 300, 'the demo clip decodes whole');

  for (const [name, v] of [['early', early], ['late', late]] as const) {
    const { seen } = v;
    assert.match(seen.mime ?? '', /^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/, `${name}: the MIME type with the codec`);
    assert.ok(seen.initBeforeMedia, `${name}: the init segment comes first`);
    const info = mp4InitInfo(seen.init!);
    assert.ok(info !== null && info.timescale > 0, `${name}: the init segment has a timescale`);
    assert.ok(seen.media.length > 0, `${name}: fragments came`);
    const first = seen.media[0]!;
    assert.equal(mp4FragmentInfo(first.data, info)?.keyframe, true, `${name}: the first fragment starts with a key frame`);
    assert.ok(first.streamTime !== undefined, `${name}: the first fragment carries its stream time`);
    const nearest = Math.min(...frameTimes.map((t) => Math.abs(t - first.streamTime!)));
    assert.ok(nearest < 1e-3, `${name}: the first fragment's stream time ${first.streamTime} is a decoded frame's (nearest ${nearest} s away)`);
    assert.ok(seen.media.slice(1).every((m) => m.streamTime === undefined), `${name}: only the first fragment is stamped`);
    assert.equal(typeof seen.end, 'string', `${name}: the end of the stream is told in words`);
  }
  assert.equal(early.seen.media[0]!.streamTime, frameTimes[0], 'the first viewer starts at the first frame');
  assert.ok(late.seen.media[0]!.streamTime! > 1, 'the late viewer starts near where the stream was, not at its start');
  const lastEarly = early.seen.media.at(-1)!.data;
  assert.ok(late.seen.media.at(-1)!.data.equals(lastEarly), 'both viewers end on the same fragment');
  assert.equal(leaver.seen.end, null, 'a viewer that closed is told null');
  const before = leaver.seen.media.length;
  assert.ok(before > 0 && before < early.seen.media.length, 'the viewer that left got no fragment after it closed');
  assert.equal(broadcast.viewers, 0, 'no viewer is left once the stream ended');
});

test('a stream that is not MP4 ends its viewers with a reason', () => {
  const broadcast = new Mp4Broadcast();
  const v = viewer(broadcast);
  broadcast.start();
  broadcast.push(Buffer.from([0, 0, 0, 4, 0x66, 0x74, 0x79, 0x70]));
  assert.match(v.seen.end ?? '', /not valid MP4/);
  assert.equal(broadcast.viewers, 0);
});
