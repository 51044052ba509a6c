/**
 * The JSON messages of the live WebSockets: `/api/ws` sends `{ topic, message }` for each bus
 * message the caller may see; `/api/cameras/:id/live` sends `init`, `clock` and `error` between its
 * binary MP4 fragments. Free of server code, for the web app; the bus's message types are held to
 * these schemas at compile time.
 */
import { z } from 'zod';
import type { CameraHealth, CountMessage, LiveEventMessage, ObjectCountMessage, TracksMessage } from '../../events/live-event.ts';
import { cameraHealthSchema } from './camera.ts';
import { eventSchema } from './event.ts';

/** One confirmed track of an analysed frame. */
export const trackBoxSchema = z.object({
  id: z.number(),
  class: z.string(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[x, y, w, h] in pixels of the analysed stream.'),
  observed: z.boolean().describe('Whether a detection was associated with the track in this frame.'),
});

/** The `tracks` topic: the confirmed tracks of one analysed frame. */
export const tracksMessageSchema = z.object({
  cameraId: z.string(),
  cameraName: z.string(),
  frameTime: z.number().describe('Epoch ms at which the frame was received from the camera.'),
  streamTime: z.number().describe("The frame's stream time, s: the live video's clock."),
  width: z.number(),
  height: z.number(),
  tracks: z.array(trackBoxSchema),
});

/** The `event` topic: one step of an event's lifecycle. */
export const liveEventMessageSchema = z.object({
  kind: z.enum(['new', 'update', 'end']),
  event: eventSchema.omit({ frame: true }).extend({ cameraName: z.string(), armed: z.boolean() }),
  frameTime: z.number(),
});

/** The `count` topic: running totals of one counting line. */
export const countMessageSchema = z.object({ cameraId: z.string(), cameraName: z.string(), line: z.string(), in: z.number(), out: z.number(), frameTime: z.number() });

/** The `objects` topic: objects of each class a camera tracks now. */
export const objectCountMessageSchema = z.object({ cameraId: z.string(), cameraName: z.string(), counts: z.record(z.string(), z.number()), frameTime: z.number() });

/** One message of `/api/ws`, by topic (`health` carries a camera's health). */
export const busMessageSchema = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('event'), message: liveEventMessageSchema }),
  z.object({ topic: z.literal('count'), message: countMessageSchema }),
  z.object({ topic: z.literal('objects'), message: objectCountMessageSchema }),
  z.object({ topic: z.literal('health'), message: cameraHealthSchema }),
  z.object({ topic: z.literal('tracks'), message: tracksMessageSchema }),
]);

/** A JSON message of `/api/cameras/:id/live`: the MSE type, a fragment's stream time, or why the stream ended. */
export const liveStreamMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), mime: z.string() }),
  z.object({ type: z.literal('clock'), streamTime: z.number() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

/** True when every value of A is a B and both name the same fields. */
type Fits<A, B> = [A] extends [B] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false;

// Fail to compile when a bus message type and its schema drift apart.
const _tracks: Fits<z.infer<typeof tracksMessageSchema>, TracksMessage> = true;
const _health: Fits<z.infer<typeof cameraHealthSchema>, CameraHealth> = true;
const _event: Fits<Omit<z.infer<typeof liveEventMessageSchema>, 'event'>, Omit<LiveEventMessage, 'event'>> = true;
// An event's `data` is any JSON object on the bus; the API shows it as a record of unknown values.
const _eventBody: Fits<Omit<z.infer<typeof liveEventMessageSchema>['event'], 'data'>, Omit<LiveEventMessage['event'], 'data'>> = true;
const _count: Fits<z.infer<typeof countMessageSchema>, CountMessage> = true;
const _objects: Fits<z.infer<typeof objectCountMessageSchema>, ObjectCountMessage> = true;
