/** The server's own log lines (the HTTP layer logs through Fastify): one line each, time, level, message; never a secret. */

/** Severity of a log line. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one log line. */
export type Logger = (level: LogLevel, message: string) => void;

/** A logger writing `2026-01-01T00:00:00.000Z warn message` lines to a stream (stderr by default). */
export function streamLogger(write: (line: string) => void = (line) => void process.stderr.write(line)): Logger {
  return (level, message) => write(`${new Date().toISOString()} ${level} ${message.replace(/[\r\n]+/g, ' ')}\n`);
}
