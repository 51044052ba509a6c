/**
 * Routing outbox items to notifiers by channel name, as data: each notifier registers the channels
 * it delivers (its own name, or one per configured webhook) with a delivery function, and the
 * dispatcher's one `deliver` looks the channel up. No code switches on channel names.
 */
import type { JsonObject } from '../core/json.ts';
import { UndeliverableError, type Deliver, type DeliveryContext } from './dispatcher.ts';

/** Sends one payload of a channel; resolves once the far end acknowledged it. */
export type ChannelDelivery = (payload: JsonObject, context: DeliveryContext) => Promise<void>;

/** One channel a notifier delivers, and how. */
export interface ChannelRoute {
  readonly channel: string;
  readonly deliver: ChannelDelivery;
}

/** The channels the running notifiers deliver; an item of any other channel is undeliverable (its notifier is no longer configured). */
export class ChannelRouter {
  readonly #routes = new Map<string, ChannelDelivery>();

  /** Adds a notifier's channels; a channel registered already keeps its first route. */
  register(routes: readonly ChannelRoute[]): void {
    for (const r of routes) if (!this.#routes.has(r.channel)) this.#routes.set(r.channel, r.deliver);
  }

  /** The channels registered, sorted. */
  channels(): string[] {
    return [...this.#routes.keys()].sort();
  }

  /** The dispatcher's delivery function: the channel's notifier, or an {@link UndeliverableError}. */
  readonly deliver: Deliver = (channel, payload, context) => {
    const route = this.#routes.get(channel);
    if (route === undefined) return Promise.reject(new UndeliverableError(`no notifier delivers the channel "${channel}": it is no longer configured`));
    return route(payload, context);
  };
}
