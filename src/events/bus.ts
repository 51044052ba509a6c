/**
 * The bus seam: one typed publish/subscribe channel between the live cameras and everything that
 * reacts to them (WebSocket feed, MQTT, webhooks, email, metrics). The embedded implementation is
 * in-process; a later one runs on NATS JetStream behind the same interface.
 */
import type { CameraHealth, CountMessage, LiveEventMessage, ObjectCountMessage, TracksMessage } from './live-event.ts';

/** Every topic of the bus and the message type it carries. */
export interface BusTopics {
  readonly event: LiveEventMessage;
  readonly count: CountMessage;
  readonly objects: ObjectCountMessage;
  readonly health: CameraHealth;
  /** Confirmed tracks after each analysed frame (live overlays). */
  readonly tracks: TracksMessage;
}

/** A topic name. */
export type BusTopic = keyof BusTopics;

/** A handler of one topic's messages. */
export type BusHandler<T extends BusTopic> = (message: BusTopics[T]) => void;

/** A publish/subscribe channel; publishing never throws because of a subscriber. */
export interface Bus {
  /** Delivers the message to every current subscriber of the topic. */
  publish<T extends BusTopic>(topic: T, message: BusTopics[T]): void;
  /** Subscribes to a topic; returns the function that unsubscribes. */
  subscribe<T extends BusTopic>(topic: T, handler: BusHandler<T>): () => void;
}

/** The embedded bus: synchronous in-process delivery; a subscriber that throws is reported to `onError` and the others still get the message. */
export class InProcessBus implements Bus {
  private readonly handlers = new Map<BusTopic, Set<(message: never) => void>>();

  constructor(private readonly onError: (topic: BusTopic, error: unknown) => void = () => undefined) {}

  publish<T extends BusTopic>(topic: T, message: BusTopics[T]): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of [...set]) {
      try {
        (h as BusHandler<T>)(message);
      } catch (error) {
        this.onError(topic, error);
      }
    }
  }

  subscribe<T extends BusTopic>(topic: T, handler: BusHandler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    const h = handler as (message: never) => void;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }
}
