/**
 * The one place every path that shows video to a person passes: live view, live.jpg, the heat
 * map's picture, event snapshots and clips, recorded segments and exports all hand what they are
 * about to send, with the viewer, to a `ShowVideo` and send what it returns. Privacy masks burned
 * in and redaction for a viewer without a stated reason go here; today it shows the video as
 * recorded.
 */
import type { Readable } from 'node:stream';
import type { LiveStream } from './live-stream.ts';

/** Who is about to see video: the user (for an API token, the user who made it) and their role. */
export interface Viewer {
  /** The audit name: a user's name or `token:<name>`. */
  readonly actor: string;
  /** The user whose rights apply; null when that user is gone. */
  readonly userId: string | null;
  readonly role: 'admin' | 'operator' | 'viewer' | null;
}

/** Video about to be shown to a person, in each form the server sends it. */
export type Showable =
  /** A still picture (live.jpg, the heat map's background), JPEG bytes. */
  | { readonly kind: 'image'; readonly cameraId: string; readonly jpeg: Buffer }
  /** A camera's live MP4. */
  | { readonly kind: 'live'; readonly cameraId: string; readonly stream: LiveStream }
  /**
   * A file on disk: an event snapshot (JPEG), a recorded segment (MPEG-TS), a clip or an export
   * (MP4), with the epoch ms of its (first) picture, by which its redaction boxes are found.
   */
  | { readonly kind: 'file'; readonly cameraId: string; readonly file: string; readonly mime: 'image/jpeg' | 'video/mp2t' | 'video/mp4'; readonly time: number }
  /**
   * Recorded video streamed for playback: fragmented MP4 whose first frame is at epoch ms `time`
   * (the key frame at or before `from`, the moment the viewer asked for), a frame every
   * `frameSeconds`, of codec `codec` (RFC 6381). A changed stream comes with its own codec and the
   * time of its own first frame (it may start nearer `from`); whoever returns a new stream ends it
   * when the one given ends or is destroyed, and stops reading the one given when the new one is
   * destroyed.
   */
  | { readonly kind: 'playback'; readonly cameraId: string; readonly stream: Readable; readonly time: number; readonly from: number; readonly frameSeconds: number; readonly codec: string; readonly width?: number; readonly height?: number };

/**
 * What `viewer` may see of `item`: the same kind of thing, possibly changed (redacted). A file it
 * returns in place of the one given is a new temporary file that the caller deletes once sent
 * (`removeTemporary`); stored files (snapshots, segments) are never changed in place.
 */
export type ShowVideo = <T extends Showable>(viewer: Viewer, item: T) => Promise<T>;

/** Shows video as it was recorded: the default until masks and redaction (see the privacy issue) land here. */
export const showAsRecorded: ShowVideo = (_viewer, item) => Promise.resolve(item);
