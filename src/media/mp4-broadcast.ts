/**
 * A camera's live video for every viewer at once, from the camera's own decoder: its ffmpeg also
 * copies the stream (no re-encoding) as fragmented MP4 (`withMp4Output`), so there is one
 * connection to the camera however many watch, and the video's timestamps are the analysed
 * frames' own. A viewer gets the init segment, then fragments from a key frame on (the current
 * group of pictures is kept, so a new viewer starts at once); its first fragment carries its
 * stream time, on the clock of the `tracks` messages, so the player can draw the boxes of the
 * frame on screen rather than the newest analysis.
 */
import type { Mp4Sink } from '../ingest/frame-source.ts';
import type { LiveStream, LiveStreamHandlers } from './live-stream.ts';
import { avcCodecString, Mp4BoxSplitter, mp4FragmentInfo, mp4InitInfo, type Mp4FragmentInfo, type Mp4InitInfo } from './mp4-boxes.ts';

/** Most bytes of the current group of pictures kept for joining viewers; past it they wait for the next key frame. */
const MAX_GOP_BYTES = 16 << 20;

/** What viewers are told when the camera's stream ends without a reason of its own. */
const STOPPED = 'the camera stopped';

interface Viewer {
  readonly handlers: LiveStreamHandlers;
  inited: boolean;
  started: boolean;
  ended: boolean;
}

interface Fragment {
  readonly data: Buffer;
  readonly info: Mp4FragmentInfo | null;
}

/** One camera's live MP4, fed by its decoder's ffmpeg runs and shared by its viewers. */
export class Mp4Broadcast implements LiveStream, Mp4Sink {
  readonly #viewers = new Set<Viewer>();
  #splitter = new Mp4BoxSplitter();
  #initParts: Buffer[] = [];
  #init: { readonly mime: string; readonly data: Buffer; readonly info: Mp4InitInfo } | null = null;
  #pending: Buffer[] = [];
  /** Fragments from the newest key frame on, or empty while none is kept. */
  #gop: Fragment[] = [];
  #gopBytes = 0;
  /** Presentation time (track units) of the run's first sample, and the stream time (s) of its first decoded frame: the same picture. */
  #firstPresentation: number | null = null;
  #firstFrameTime: number | null = null;
  #failed = false;

  /** Viewers connected now. */
  get viewers(): number {
    return this.#viewers.size;
  }

  start(): void {
    this.#reset();
  }

  push(chunk: Buffer): void {
    if (this.#failed) return;
    let boxes: { type: string; data: Buffer }[];
    try {
      boxes = this.#splitter.push(chunk);
    } catch (error) {
      this.#fail(`the live stream is not valid MP4: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    for (const box of boxes) {
      if (this.#init === null) {
        this.#initParts.push(box.data);
        if (box.type === 'moov' && !this.#onInit(Buffer.concat(this.#initParts))) return;
        continue;
      }
      this.#pending.push(box.data);
      if (box.type !== 'mdat') continue;
      const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
      this.#pending = [];
      this.#onFragment({ data, info: mp4FragmentInfo(data, this.#init.info) });
    }
  }

  firstFrame(time: number): void {
    this.#firstFrameTime = time;
    for (const viewer of this.#viewers) this.#replay(viewer);
  }

  end(reason: string | null): void {
    for (const viewer of [...this.#viewers]) this.#endViewer(viewer, reason ?? STOPPED);
    this.#reset();
  }

  open(handlers: LiveStreamHandlers): { close(): Promise<void> } {
    const viewer: Viewer = { handlers, inited: false, started: false, ended: false };
    this.#viewers.add(viewer);
    this.#replay(viewer);
    return {
      close: () => {
        this.#endViewer(viewer, null);
        return Promise.resolve();
      },
    };
  }

  #reset(): void {
    this.#splitter = new Mp4BoxSplitter();
    this.#initParts = [];
    this.#init = null;
    this.#pending = [];
    this.#gop = [];
    this.#gopBytes = 0;
    this.#firstPresentation = null;
    this.#firstFrameTime = null;
    this.#failed = false;
  }

  #fail(reason: string): void {
    for (const viewer of [...this.#viewers]) this.#endViewer(viewer, reason);
    this.#failed = true;
  }

  #endViewer(viewer: Viewer, reason: string | null): void {
    this.#viewers.delete(viewer);
    if (viewer.ended) return;
    viewer.ended = true;
    viewer.handlers.onEnd(reason);
  }

  /** Takes the run's init segment; false (and the viewers ended) when browsers could not play it. */
  #onInit(data: Buffer): boolean {
    const codec = avcCodecString(data);
    const info = mp4InitInfo(data);
    if (codec === null || info === null) {
      this.#fail('the camera stream is not H.264, which browsers need for live view; set the camera (or its sub-stream) to H.264');
      return false;
    }
    this.#initParts = [];
    this.#init = { mime: `video/mp4; codecs="${codec}"`, data, info };
    for (const viewer of this.#viewers) this.#replay(viewer);
    return true;
  }

  #onFragment(fragment: Fragment): void {
    const info = fragment.info;
    this.#firstPresentation ??= info?.firstPresentation ?? null;
    if (info?.keyframe === true) {
      this.#gop = [];
      this.#gopBytes = 0;
    }
    if (this.#gop.length > 0 || info?.keyframe === true) {
      this.#gopBytes += fragment.data.length;
      if (this.#gopBytes <= MAX_GOP_BYTES) this.#gop.push(fragment);
      else this.#gop = [];
    }
    for (const viewer of this.#viewers) {
      if (viewer.started) viewer.handlers.onMedia(fragment.data);
      else this.#replay(viewer);
    }
  }

  /** The stream time (s) of a fragment's first sample, once the run's first frame and first fragment are known. */
  #streamTime(info: Mp4FragmentInfo | null): number | null {
    if (info === null || this.#init === null || this.#firstPresentation === null || this.#firstFrameTime === null) return null;
    return this.#firstFrameTime + (info.firstPresentation - this.#firstPresentation) / this.#init.info.timescale;
  }

  /** Brings a viewer as far as the stream allows: the init segment, then the kept fragments from the key frame on. */
  #replay(viewer: Viewer): void {
    if (viewer.ended || this.#init === null) return;
    if (!viewer.inited) {
      viewer.inited = true;
      viewer.handlers.onInit(this.#init.mime, this.#init.data);
    }
    if (viewer.started) return;
    const first = this.#gop[0];
    const at = first === undefined ? null : this.#streamTime(first.info);
    if (first === undefined || at === null) return;
    viewer.started = true;
    viewer.handlers.onMedia(first.data, at);
    for (const fragment of this.#gop.slice(1)) viewer.handlers.onMedia(fragment.data);
  }
}
