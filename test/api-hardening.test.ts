/**
 * Hardening of the HTTP edge over a real listening socket (127.0.0.1, port 0): errors of Node's
 * parser and of the framework answer in the API's shape with the security headers; the Host header
 * check against DNS rebinding; a WebSocket message over the limit closes quietly with 1009;
 * WebSockets over a plain-HTTP listener of an HTTPS app; clip and export jobs are bounded.
 */
import assert from 'node:assert/strict';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { hostAllowed, ownHostNames } from '../src/api/host-check.ts';
import { createHarness, PASSWORD, T0, type Harness } from './fixtures/api-harness.ts';

let h: Harness;
let port = 0;
const logs: string[] = [];

before(async () => {
  // https: true with no TLS of its own: the app as the local plain-HTTP listener serves it.
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  h = await createHarness({ https: true, logger: { level: 'info', stream } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as AddressInfo).port;
});
after(() => h.close());

/** Sends raw bytes and returns the whole answer (the server closes the connection). */
function raw(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

const SECURITY = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'strict-transport-security', 'cache-control'];

describe('errors of the parser and the framework', () => {
  test('answer in the error shape with the same security headers as a normal answer', async (t) => {
    const normal = await h.app.inject({ url: '/api/health' });
    const cases: [string, string, number][] = [
      ['headers too large', `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['a bad header name', 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n', 400],
      ['a control character in a header', 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\u0001b\r\n\r\n', 400],
      ['malformed URL-encoding', 'GET /api/cameras/%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 400],
      ['a path parameter too long', `GET /api/cameras/${'a'.repeat(300)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, 414],
    ];
    for (const [name, request, status] of cases) {
      await t.test(name, async () => {
        const res = await raw(request);
        assert.equal(res.status, status, name);
        const body = JSON.parse(res.body) as { error: { code: string; message: string } };
        assert.equal(body.error.code, 'REQUEST_INVALID', name);
        assert.equal(typeof body.error.message, 'string', name);
        for (const header of SECURITY) assert.equal(res.headers[header], normal.headers[header], `${name}: ${header}`);
      });
    }
  });
});

describe('the Host header check', () => {
  test('own names pass, other names answer 421 in the error shape', async () => {
    const cases: [string, number][] = [
      [`127.0.0.1:${port}`, 200],
      [`localhost:${port}`, 200],
      [`[::1]:${port}`, 200],
      ['192.168.1.20', 200],
      [`evil.example:${port}`, 421],
      ['127.0.0.1.nip.io', 421],
      ['localhost.evil.example', 421],
    ];
    for (const [host, status] of cases) {
      const res = await raw(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      if (status === 421) assert.equal(res.status, 421, host);
      else assert.notEqual(res.status, 421, host);
      if (status === 421) {
        assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'HOST_NOT_ALLOWED', host);
        assert.equal(res.headers['content-security-policy'] !== undefined, true, host);
      }
    }
  });

  test('the listen host, publicUrl and server.allowedHosts are own names', () => {
    const names = ownHostNames('nvr.lan', 'https://cams.example.org:8443/', ['Extra.Example.']);
    const cases: [string | undefined, boolean][] = [
      ['nvr.lan:8443', true],
      ['cams.example.org', true],
      ['extra.example', true],
      ['EXTRA.example:1', true],
      ['other.example', false],
      ['', false],
      ['[::1', false],
      [undefined, true],
    ];
    for (const [host, allowed] of cases) assert.equal(hostAllowed(host, names), allowed, String(host));
  });
});

describe('WebSockets', () => {
  async function session(): Promise<string> {
    return (await h.login('viewer', PASSWORD)).cookie;
  }

  test('work over a plain-HTTP listener of an HTTPS app with its http:// origin, not another scheme', async () => {
    const cookie = await session();
    const cases: [string, boolean][] = [
      [`http://127.0.0.1:${port}`, true],
      [`https://127.0.0.1:${port}`, false],
    ];
    for (const [origin, opens] of cases) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, { headers: { cookie: `sightline_session=${cookie}`, origin } });
      const outcome = await new Promise<string>((resolve) => {
        socket.on('open', () => h.bus.publish('objects', { cameraId: 'A', cameraName: 'cam-A', counts: { person: 1 }, frameTime: T0 }));
        socket.on('message', () => resolve('message'));
        socket.on('close', (c: number) => resolve(`closed ${c}`));
      });
      assert.equal(outcome, opens ? 'message' : 'closed 1008', origin);
      socket.close();
    }
  });

  test('a message over the limit closes with 1009 and is logged quietly, without a stack', async () => {
    const token = await h.token('ws-big', ['events:read']);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve) => socket.on('open', resolve));
    const closed = new Promise<number>((resolve) => socket.on('close', (c: number) => resolve(c)));
    socket.on('error', () => undefined);
    socket.send(Buffer.alloc(5000, 1));
    assert.equal(await closed, 1009);
    const lines = logs.map((l) => JSON.parse(l) as { level: number; msg?: string; err?: unknown });
    const line = lines.find((l) => l.msg?.includes('over 4096 bytes') === true);
    assert.ok(line !== undefined);
    assert.equal(line.level <= 40, true);
    assert.equal(logs.some((l) => l.includes('"stack"')), false);
  });
});

describe('clip and export jobs', () => {
  test('run 1 per caller and 2 per server; beyond that 429 with Retry-After in the error shape', async () => {
    const original = h.recordings.exportRange.bind(h.recordings);
    const gates: (() => void)[] = [];
    h.recordings.exportRange = async (cameraId, from, to) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return original(cameraId, from, to);
    };
    try {
      h.users.grantCamera((await h.users.create({ name: 'operator2', password: PASSWORD, role: 'operator' })).id, 'A');
      const operator = await h.login('operator');
      const admin = await h.login('admin');
      const operator2 = await h.login('operator2');
      const url = `/api/cameras/A/export.mp4?from=${T0 - 60_000}&to=${T0 - 50_000}`;
      const first = h.app.inject({ url, headers: h.headers(operator, false) });
      await new Promise((r) => setImmediate(r));
      const mine = await h.app.inject({ url, headers: h.headers(operator, false) });
      const second = h.app.inject({ url, headers: h.headers(admin, false) });
      await new Promise((r) => setImmediate(r));
      const third = await h.app.inject({ url, headers: h.headers(operator2, false) });
      for (const [name, res] of [['same caller', mine], ['server full', third]] as const) {
        assert.equal(res.statusCode, 429, name);
        assert.equal(res.headers['retry-after'], '5', name);
        assert.equal(res.json<{ error: { code: string } }>().error.code, 'TOO_BUSY', name);
      }
      assert.equal(gates.length, 2);
      for (const open of gates) open();
      assert.equal((await first).statusCode, 200);
      assert.equal((await second).statusCode, 200);
      // Slots are free again once the jobs end.
      const later = h.app.inject({ url, headers: h.headers(operator, false) });
      await new Promise((r) => setImmediate(r));
      gates.at(-1)!();
      assert.equal((await later).statusCode, 200);
    } finally {
      h.recordings.exportRange = original;
    }
  });
});
