/**
 * The bus feed of a signed-in tab: one WebSocket to /api/ws shared by every part of the page that
 * listens (the live view's boxes and health, the alarm notices), reconnecting after a short pause
 * when it closes, and stopping for good on 1008 (signed out). Messages that do not match the
 * server's schema are reported and skipped. It connects only once the schemas (the checks chunk)
 * are loaded: at once, usually.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { busMessageOf, type BusMessage } from '../api/live-messages.ts';
import { loadChecks } from '../api/load-checks.ts';

type Listener = (m: BusMessage) => void;

/** The listeners of the one socket. */
class BusFeed {
  readonly #listeners = new Set<Listener>();
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  deliver(m: BusMessage): void {
    for (const l of this.#listeners) l(m);
  }
}

const FeedContext = createContext<BusFeed | null>(null);

/** Holds the tab's one socket while mounted. */
export function BusFeedProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const [feed] = useState(() => new BusFeed());
  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | null = null;
    let retry: number | undefined;
    const connect = (): void => {
      if (stopped) return;
      const s = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`);
      socket = s;
      s.onmessage = (e: MessageEvent<string>) => {
        const m = busMessageOf(e.data);
        if (m !== null) feed.deliver(m);
      };
      s.onclose = (e: CloseEvent) => {
        if (stopped || e.code === 1008) return;
        retry = window.setTimeout(connect, 2000);
      };
    };
    const start = (): void => {
      loadChecks().then(connect, () => {
        if (!stopped) retry = window.setTimeout(start, 2000);
      });
    };
    start();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      socket?.close();
    };
  }, [feed]);
  return <FeedContext.Provider value={feed}>{children}</FeedContext.Provider>;
}

/** Calls `onMessage` with every bus message while mounted (inside a {@link BusFeedProvider}). */
export function useBusFeed(onMessage: (m: BusMessage) => void): void {
  const feed = useContext(FeedContext);
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => (feed === null ? undefined : feed.listen((m) => handler.current(m))), [feed]);
}
