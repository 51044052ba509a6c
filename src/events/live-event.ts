/**
 * The messages the live system publishes on the bus: event lifecycle (new, update, end), count
 * changes and camera health. The WebSocket feed, MQTT, webhooks and email all consume these.
 */
import type { ObjectClass } from '../core/detection.ts';
import type { JsonObject } from '../core/json.ts';
import type { RuleEventType } from '../core/rules/types.ts';

/** Phase of an event in its lifecycle: instant events (line crossings, zone entries) are `new` and `end` at once. */
export type LiveEventKind = 'new' | 'update' | 'end';

/**
 * What an event is, as the store keeps it and the live system publishes it: what the rules saw,
 * when, and where its snapshot and recording are. The store's row adds the frame number; a live
 * message adds the camera's name and whether the rule was armed.
 */
export interface EventRecord {
  /** The event's id, made by the live camera. */
  readonly id: string;
  readonly cameraId: string;
  readonly type: RuleEventType;
  /** Name of the line or zone. */
  readonly rule: string;
  /** Null for group events (crowd). */
  readonly trackId: number | null;
  readonly class: ObjectClass;
  /** Epoch ms. */
  readonly startTime: number;
  /** Epoch ms; null while a duration event is open. */
  readonly endTime: number | null;
  /** Line crossings only. */
  readonly direction: 'in' | 'out' | null;
  /** Extra fields (count, seconds, ...). */
  readonly data: JsonObject;
  /** JPEG snapshot, relative to the data directory. */
  readonly snapshotPath: string | null;
  /** Opaque pointer into the recording (segment and offset). */
  readonly recording: string | null;
}

/** An event as the live system reports it: the record, the camera's name, and whether its rule was armed. */
export interface LiveEventBody extends EventRecord {
  readonly cameraName: string;
  /** Whether the rule was armed (its schedule allowed alarms) when the event happened; unarmed events are stored but not notified. */
  readonly armed: boolean;
}

/** One step of an event's lifecycle. */
export interface LiveEventMessage {
  readonly kind: LiveEventKind;
  readonly event: LiveEventBody;
  /** Epoch ms at which the frame that caused this message was received from the camera (for latency). */
  readonly frameTime: number;
}

/** Running totals of one counting line of a camera, sent when they change. */
export interface CountMessage {
  readonly cameraId: string;
  readonly cameraName: string;
  readonly line: string;
  /** Totals since the start of the UTC day. */
  readonly in: number;
  readonly out: number;
  /** Epoch ms of the frame that changed them. */
  readonly frameTime: number;
}

/** Objects of each class currently tracked by a camera, sent when they change (Frigate's `<camera>/<object>` topics). */
export interface ObjectCountMessage {
  readonly cameraId: string;
  readonly cameraName: string;
  /** Confirmed tracks per class currently in view, e.g. `{ person: 3 }`; classes that dropped to zero appear with 0. */
  readonly counts: Readonly<Record<string, number>>;
  readonly frameTime: number;
}

/** One confirmed track of a camera's analysed frame, as the live overlay draws it. */
export interface TrackBox {
  readonly id: number;
  readonly class: string;
  /** `[x, y, w, h]` in pixels of the analysed stream (the space of `frameSize`). */
  readonly box: readonly [number, number, number, number];
  /** True when a detection was associated with the track in this frame (false while it coasts). */
  readonly observed: boolean;
}

/** The confirmed tracks of one analysed frame, published after every analysed frame (for live overlays). */
export interface TracksMessage {
  readonly cameraId: string;
  readonly cameraName: string;
  /** Epoch ms at which the frame was received from the camera. */
  readonly frameTime: number;
  /**
   * The frame's stream time, s: the clock of the camera's live video too (each viewer's first
   * fragment carries its stream time), so a player shows the boxes of the frame on screen.
   */
  readonly streamTime: number;
  /** Size of the analysed stream in pixels, the space of the boxes. */
  readonly width: number;
  readonly height: number;
  readonly tracks: readonly TrackBox[];
}

/** A camera's state as health checks and the UI show it. */
export interface CameraHealth {
  readonly cameraId: string;
  readonly cameraName: string;
  readonly state: 'starting' | 'connected' | 'reconnecting' | 'stopped' | 'failed';
  /** Frames per second received over the last few seconds. */
  readonly fps: number;
  /** Frames per second analysed (detector + rules) over the last few seconds. */
  readonly analysedFps: number;
  /** Epoch ms of the newest frame, or null before the first. */
  readonly lastFrameAt: number | null;
  /** The newest error, redacted, or null. */
  readonly lastError: string | null;
  /** Reconnections since start. */
  readonly reconnects: number;
  /** Frames dropped because the detector was busy (latest-frame scheduling). */
  readonly droppedFrames: number;
  /** Whether the recorder is writing segments. */
  readonly recording: boolean;
  /** Size of the camera's analysed stream in pixels (the space of its lines and zones), once known. */
  readonly frameSize: { readonly width: number; readonly height: number } | null;
}
