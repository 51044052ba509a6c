/**
 * The JSON messages of the live WebSockets, checked against the server's schemas: a message that
 * is not JSON or not of the expected shape is reported (console.warn) and dropped, never cast.
 * The schemas come from the checks chunk, which must be loaded before a socket is read: the live
 * video opens only for a camera of a loaded list, and the bus feed awaits `loadChecks()` before it
 * connects.
 */
import type { z } from 'zod';
import type { busMessageSchema, liveStreamMessageSchema } from './checks.ts';
import { checksNow } from './load-checks.ts';

/** One message of /api/ws: a topic and its message. */
export type BusMessage = z.output<typeof busMessageSchema>;

/** One JSON message of /api/cameras/:id/live. */
export type LiveStreamMessage = z.output<typeof liveStreamMessageSchema>;

/** The message a text frame holds when it matches the schema, or why not. Needs the checks loaded. */
export function parseMessage<S extends z.ZodType>(schema: S, text: string): { readonly ok: true; readonly message: z.output<S> } | { readonly ok: false; readonly error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, error: checksNow().issuesText(parsed.error) };
}

function checked<S extends z.ZodType>(socket: string, schema: S, text: string): z.output<S> | null {
  const r = parseMessage(schema, text);
  if (r.ok) return r.message;
  console.warn(`${socket} sent a message this page does not understand (${r.error}); skipped`);
  return null;
}

/** A text frame of /api/ws as a bus message, or null (reported) when it is not one. Needs the checks loaded. */
export function busMessageOf(text: string): BusMessage | null {
  return checked('/api/ws', checksNow().busMessageSchema, text);
}

/** A text frame of the live video socket as its message, or null (reported) when it is not one. Needs the checks loaded (the player opens only for a camera of a loaded list). */
export function liveStreamMessageOf(text: string): LiveStreamMessage | null {
  return checked('the live video', checksNow().liveStreamMessageSchema, text);
}
