/**
 * The Prometheus metrics of one API app, in its own registry (never the global one): camera states,
 * frame rates and drops (read from camera health at each scrape), events by camera and type and
 * their latency (observed from the bus), HTTP requests by route and status, and the notification
 * outbox backlog, plus any gauges the composition root adds.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CameraHealth } from '../events/live-event.ts';
import type { ApiContext } from './context.ts';

const CAMERA_STATES: readonly CameraHealth['state'][] = ['starting', 'connected', 'reconnecting', 'stopped', 'failed'];

/** The metrics of an app and what feeds them. */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Counts one answered HTTP request. */
  observeRequest(route: string, method: string, status: number): void;
  /** Unsubscribes from the bus. */
  stop(): void;
}

/** Creates the registry and subscribes to the bus. */
export function createApiMetrics(ctx: ApiContext): ApiMetrics {
  const { deps } = ctx;
  const registry = new Registry();
  const registers = [registry];
  const cameras = async () => deps.cameras.list();

  new Gauge({
    name: 'sightline_cameras',
    help: 'Cameras by state.',
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      for (const s of CAMERA_STATES) this.set({ state: s }, 0);
      for (const c of await cameras()) this.inc({ state: c.health.state });
    },
  });
  const perCamera = (name: string, help: string, read: (h: CameraHealth) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['camera'],
      registers,
      async collect() {
        this.reset();
        for (const c of await cameras()) this.set({ camera: c.name }, read(c.health));
      },
    });
  };
  perCamera('sightline_camera_fps', 'Frames per second received from the camera.', (h) => h.fps);
  perCamera('sightline_camera_analysed_fps', 'Frames per second analysed (detector and rules).', (h) => h.analysedFps);
  perCamera('sightline_camera_dropped_frames', 'Frames dropped since start because the detector was busy.', (h) => h.droppedFrames);
  perCamera('sightline_camera_reconnects', 'Reconnections since start.', (h) => h.reconnects);

  const events = new Counter({ name: 'sightline_events_total', help: 'Events started, by camera and type.', labelNames: ['camera', 'type'], registers });
  const latency = new Histogram({
    name: 'sightline_event_latency_seconds',
    help: 'Time from receiving the frame to publishing its event.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers,
  });
  const requests = new Counter({ name: 'sightline_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'method', 'status'], registers });

  new Gauge({
    name: 'sightline_outbox_pending',
    help: 'Notifications not yet delivered.',
    registers,
    collect() {
      this.set(deps.outbox.undelivered());
    },
  });
  for (const extra of ctx.options.extraGauges ?? []) {
    new Gauge({
      name: extra.name,
      help: extra.help,
      registers,
      async collect() {
        this.set(await extra.collect());
      },
    });
  }

  const unsubscribe = deps.bus.subscribe('event', (message) => {
    if (message.kind !== 'new') return;
    events.inc({ camera: message.event.cameraName, type: message.event.type });
    const seconds = (deps.now() - message.frameTime) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0) latency.observe(seconds);
  });

  return {
    registry,
    observeRequest(route, method, status) {
      requests.inc({ route, method, status: String(status) });
    },
    stop: unsubscribe,
  };
}
