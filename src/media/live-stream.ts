/** A camera's live video as viewers receive it: the port the live route and the media hub share. */

/** What one live viewer's stream reports: the init segment first, then media fragments, then its end. */
export interface LiveStreamHandlers {
  /** The MIME type with codecs (e.g. `video/mp4; codecs="avc1.64001f"`) and the init segment (ftyp + moov). */
  onInit(mime: string, init: Buffer): void;
  /**
   * One media fragment (moof + mdat), in order. The first a viewer gets starts with a key frame
   * and comes with `streamTime`: the stream time (s) of its first sample on the clock of the
   * camera's analysed frames (`tracks` messages), where the stream knows it.
   */
  onMedia(fragment: Buffer, streamTime?: number): void;
  /** The stream ended: `error` is a redacted reason, or null after `close()`. Called once. */
  onEnd(error: string | null): void;
}

/** A camera's live video as fragmented MP4 without re-encoding; every `open` is one viewer with its own stream. */
export interface LiveStream {
  /** Starts a viewer's stream; `close()` stops it and resolves once it is gone. */
  open(handlers: LiveStreamHandlers): { close(): Promise<void> };
}
