/**
 * One clock per live camera for event times. Frames carry stream time (seconds from the source's
 * start); they are pulled from the decoder some time after ffmpeg produced them, and that delay
 * jitters by up to a detection's duration. Stamping each event with "its frame's arrival minus its
 * stream time" mixes two clocks: an event started on a frame that waited 400 ms in the queue and
 * ended on one that did not then ends before it starts. Instead, the clock keeps the stream's
 * origin (epoch ms of stream time 0), set at the first frame of each source, and maps every stream
 * time through it. A frame that arrives sooner after its stream time than any before moves the
 * origin back towards it: the decoder hands over the first frames late (it buffered them while
 * probing the stream) and then catches up, and the least delay is the one closest to when the
 * camera took the picture, which the recorder's clock also follows (see recorder.ts): redaction
 * boxes kept on this clock must fall on the recorded frames they belong to. It moves back no
 * further than the newest time already stamped, so stamped times never go backwards. When stream
 * time falls behind the wall clock (a paused or throttled decoder) by more than {@link MAX_LAG_MS}
 * the origin is pulled up to within that lag; a new source's origin never goes back behind what
 * was already stamped either.
 */

/** How far event times may lag the frames' arrival before the origin is pulled forward, ms. */
export const MAX_LAG_MS = 1000;

/** Maps the stream times of a camera's frames to epoch ms with one origin per source. */
export class StreamClock {
  #origin: number | null = null;
  #latest = Number.NEGATIVE_INFINITY;

  /** Starts a new source, whose stream time starts again from its own zero. */
  restart(): void {
    this.#origin = null;
  }

  /** Registers a frame at stream time `time` (s) pulled at `receivedAt` (epoch ms); returns its epoch ms. */
  frame(time: number, receivedAt: number): number {
    const offset = receivedAt - time * 1000;
    if (this.#origin === null || offset < this.#origin) this.#origin = Math.max(offset, this.#latest - time * 1000);
    else if (offset - this.#origin > MAX_LAG_MS) this.#origin = offset - MAX_LAG_MS;
    const at = this.#origin + time * 1000;
    this.#latest = Math.max(this.#latest, at);
    return at;
  }

  /** The epoch ms of stream time `time` (s) of the current source, on the origin of its first frame; `fallback` before any frame. */
  epochOf(time: number, fallback: number): number {
    return this.#origin === null ? fallback : this.#origin + time * 1000;
  }

  /** The epoch ms of the newest frame registered so far, or `fallback` before the first one. */
  latest(fallback: number): number {
    return Number.isFinite(this.#latest) ? this.#latest : fallback;
  }
}
