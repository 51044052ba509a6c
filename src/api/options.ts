/**
 * How the composition root tunes the API beyond its services: whether it is served over HTTPS (for
 * cookie and HSTS settings), the session secret behind CSRF tokens, the logger and extra metrics.
 */
import type { FastifyServerOptions } from 'fastify';

/** A gauge the composition root adds to /metrics, read at each scrape. */
export interface ExtraGauge {
  /** Prometheus metric name, e.g. `sightline_mqtt_connected`. */
  readonly name: string;
  readonly help: string;
  /** The current value. */
  readonly collect: () => number | Promise<number>;
}

/** Options of {@link buildApi}. */
export interface ApiOptions {
  /** True when the app is served over TLS: cookies get `Secure` and HSTS is sent. */
  readonly https: boolean;
  /** Key of the CSRF tokens (HMAC-SHA256 of the session token), at least 32 bytes; random per process or derived from the secret key file. */
  readonly sessionSecret: Buffer;
  /** Fastify's logger setting. Default off. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Version reported by GET /api/system. Default the package's version. */
  readonly version?: string;
  /** Certificate and key (PEM) to serve HTTPS with; without them the app's own server is plain HTTP (tests, a local listener). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** How often an open WebSocket re-checks its caller on a timer, ms (tests shorten it). Default 5000. */
  readonly wsRecheckMs?: number;
  /** More gauges for /metrics. */
  readonly extraGauges?: readonly ExtraGauge[];
}
