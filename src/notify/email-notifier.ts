/**
 * Email alerts over SMTP: the start (`new`) of each armed event of the configured types (intrusion,
 * loitering and crowd by default) is queued in the outbox (channel `email`) and sent as a plain-text
 * mail, without links, with the event's JPEG snapshot attached when it exists. STARTTLS is required
 * unless the connection is TLS from the start (`secure`) or the server is on this machine
 * (127.0.0.1, ::1, localhost); the password goes to the SMTP client only.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { z } from 'zod';
import type { smtpSchema } from '../config/schema/server.ts';
import { SightlineError } from '../core/errors.ts';
import type { LiveEventBody, LiveEventMessage } from '../events/live-event.ts';
import { isJsonObject, type JsonObject } from '../core/json.ts';
import type { DeliveryContext } from './dispatcher.ts';
import type { NotifyQueue } from './mqtt-notifier.ts';

/** The `smtp` section of the server configuration. */
export type SmtpConfig = z.infer<typeof smtpSchema>;

/** The outbox channel of emails. */
export const EMAIL_CHANNEL = 'email';

const LOCAL_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** The SMTP client settings of a configuration: STARTTLS required unless `secure` or the host is this machine, no file or URL access. */
export function smtpTransportOptions(config: SmtpConfig): SMTPTransport.Options {
  const smtp: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: !config.secure && !LOCAL_HOSTS.has(config.host.toLowerCase()),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (config.username !== undefined) smtp.auth = { user: config.username, pass: config.password ?? '' };
  return smtp;
}

/** How to build the email notifier. */
export interface EmailNotifierOptions {
  readonly config: SmtpConfig;
  readonly queue: NotifyQueue;
  /** Snapshot paths are relative to it. */
  readonly dataDir: string;
  /** IANA time zone in which the mail also shows the time; default the machine's. */
  readonly timeZone?: string | undefined;
}

/** Queues and sends alarm emails; see the file header. */
export class EmailNotifier {
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly options: EmailNotifierOptions) {
    this.transport = nodemailer.createTransport(smtpTransportOptions(options.config));
  }

  /** Queues an email for the start of an armed event of a configured type. */
  onEvent(message: LiveEventMessage): void {
    const body = message.event;
    if (message.kind !== 'new' || !body.armed || !this.options.config.types.includes(body.type)) return;
    this.options.queue.enqueue(EMAIL_CHANNEL, { event: { ...body } });
  }

  /** Sends one queued email; resolves once the SMTP server accepted it. */
  async deliver(payload: JsonObject, context: DeliveryContext): Promise<void> {
    const event = payload['event'];
    if (!isJsonObject(event)) throw new SightlineError('NOTIFY_FAILED', `outbox item ${context.id} is not an email`);
    const body = event as unknown as LiveEventBody;
    const snapshot = await this.readSnapshot(body.snapshotPath);
    const { config } = this.options;
    const mail = {
      from: config.from,
      to: [...config.to],
      subject: `Sightline ${label(body.type)}: ${body.cameraName} / ${body.rule}`,
      text: mailText(body, this.options.timeZone),
      attachments: snapshot === null ? [] : [{ filename: `${body.cameraName}-${body.id}.jpg`, content: snapshot, contentType: 'image/jpeg' }],
    };
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(new SightlineError('NOTIFY_FAILED', 'sending the email was interrupted by shutdown'));
      if (context.signal.aborted) onAbort();
      else context.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.transport.sendMail(mail), aborted]);
    } catch (cause) {
      if (cause instanceof SightlineError) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new SightlineError('NOTIFY_FAILED', `the SMTP server ${config.host}:${config.port} did not take the email: ${reason}`, { cause });
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      aborted.catch(() => undefined);
    }
  }

  /** Closes idle SMTP connections. */
  close(): void {
    this.transport.close();
  }

  /** The snapshot JPEG, or null when there is none, it is gone, or its path leaves the data directory. */
  private async readSnapshot(snapshotPath: string | null): Promise<Buffer | null> {
    if (typeof snapshotPath !== 'string' || snapshotPath === '') return null;
    const root = path.resolve(this.options.dataDir);
    const file = path.resolve(root, snapshotPath);
    if (!file.startsWith(root + path.sep)) return null;
    try {
      return await readFile(file);
    } catch {
      return null;
    }
  }
}

function label(type: string): string {
  return type.replace(/_/g, ' ');
}

/** The plain-text body: what happened, where and when, with no links. */
function mailText(e: LiveEventBody, timeZone: string | undefined): string {
  const local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'long' }).format(e.startTime);
  const lines = [
    `${label(e.type)[0]?.toUpperCase() ?? ''}${label(e.type).slice(1)} on camera ${e.cameraName} (${e.rule}).`,
    '',
    `Camera: ${e.cameraName}`,
    `Rule:   ${e.rule}`,
    `Type:   ${e.type}`,
    `Object: ${e.class}`,
    `Time:   ${new Date(e.startTime).toISOString()} (${local})`,
  ];
  if (typeof e.data['count'] === 'number') lines.push(`Count:  ${e.data['count']}`);
  lines.push(`Event:  ${e.id}`, '', 'Sent by Sightline. Sign in to Sightline to see the recording.');
  return `${lines.join('\n')}\n`;
}
