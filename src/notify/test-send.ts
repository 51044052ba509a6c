/**
 * "Send a test": one test notification to one target, straight to it (not through the outbox), with
 * the outcome in words — the broker's, server's or endpoint's own error when it fails. MQTT gets a
 * QoS 1 message on `<prefix>/test` (acknowledged by the broker), a webhook a signed POST with
 * `x-sightline-event: test`, SMTP a short plain-text email to every recipient. No secret appears in
 * an outcome.
 */
import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions } from 'mqtt';
import nodemailer from 'nodemailer';
import { redactText, redactUrl } from '../ingest/redact-url.ts';
import { smtpTransportOptions, type SmtpConfig } from './email-notifier.ts';
import type { MqttConfig } from './mqtt-notifier.ts';
import { WebhookNotifier, type WebhookConfig } from './webhook-notifier.ts';

/** What a test send did. */
export type TestSendResult = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly error: string };

/** How long a test waits for its target, ms. */
export const TEST_SEND_TIMEOUT_MS = 10_000;

/** The MQTT topic of test messages. */
export function mqttTestTopic(prefix: string): string {
  return `${prefix}/test`;
}

function words(error: unknown, secrets: readonly (string | undefined)[], urls: readonly string[] = []): string {
  let text = redactText(error instanceof Error ? error.message : String(error), urls);
  for (const s of secrets) if (s !== undefined && s !== '') text = text.split(s).join('***');
  return text;
}

/** Connects to the broker once (no retries), publishes a test message with QoS 1 and waits for its PUBACK. */
export function testMqtt(config: MqttConfig, now: () => number, timeoutMs = TEST_SEND_TIMEOUT_MS): Promise<TestSendResult> {
  const url = redactUrl(config.url);
  const topic = mqttTestTopic(config.prefix);
  const opts: IClientOptions = {
    clientId: `${config.clientId ?? 'sightline'}-test-${randomBytes(3).toString('hex')}`,
    clean: true,
    connectTimeout: timeoutMs,
    reconnectPeriod: 0,
    ...(config.username !== undefined && { username: config.username }),
    ...(config.username !== undefined && config.password !== undefined && { password: config.password }),
  };
  return new Promise<TestSendResult>((resolve) => {
    const client = connect(config.url, opts);
    let done = false;
    const finish = (r: TestSendResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.end(true);
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `the MQTT broker ${url} did not answer within ${timeoutMs / 1000} s` }), timeoutMs);
    client.on('error', (error) => finish({ ok: false, error: `the MQTT broker ${url} refused: ${words(error, [config.password], [config.url])}` }));
    client.on('close', () => finish({ ok: false, error: `the connection to the MQTT broker ${url} closed before the test was sent` }));
    client.on('connect', () => {
      client.publish(topic, JSON.stringify({ test: true, at: new Date(now()).toISOString() }), { qos: 1 }, (error) => {
        if (error) finish({ ok: false, error: `publishing to ${topic} on ${url} failed: ${words(error, [config.password], [config.url])}` });
        else finish({ ok: true, detail: `the MQTT broker ${url} acknowledged a test message on ${topic}` });
      });
    });
  });
}

/** POSTs one signed test call (`{"kind":"test",...}`) to the webhook; ok on a 2xx answer. */
export async function testWebhook(hook: WebhookConfig, now: () => number, timeoutMs = TEST_SEND_TIMEOUT_MS): Promise<TestSendResult> {
  const notifier = new WebhookNotifier({ webhooks: [hook], queue: { enqueue: () => 0, retryNow: () => undefined }, now, timeoutMs });
  try {
    await notifier.deliver(hook.name, { kind: 'test', event: null, frameTime: now() }, { id: 0, attempt: 1, signal: AbortSignal.timeout(timeoutMs + 1000) });
  } catch (error) {
    return { ok: false, error: words(error, [hook.secret], [hook.url]) };
  }
  return { ok: true, detail: `webhook "${hook.name}" (${redactUrl(hook.url)}) answered 2xx to a signed test call` };
}

/** Sends one plain-text test email to every recipient; ok once the SMTP server accepted it. */
export async function testEmail(config: SmtpConfig, now: () => number): Promise<TestSendResult> {
  const transport = nodemailer.createTransport(smtpTransportOptions(config));
  try {
    await transport.sendMail({
      from: config.from,
      to: [...config.to],
      subject: 'Sightline test email',
      text: `This is a test email from Sightline, sent at ${new Date(now()).toISOString()} from its notification settings.\n`,
    });
  } catch (error) {
    return { ok: false, error: `the SMTP server ${config.host}:${config.port} did not take the test email: ${words(error, [config.password])}` };
  } finally {
    transport.close();
  }
  return { ok: true, detail: `the SMTP server ${config.host}:${config.port} accepted a test email to ${config.to.join(', ')}` };
}
