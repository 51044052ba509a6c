// The RTSP relay spoken to over raw sockets: status codes of malformed and unsupported requests,
// channel rewriting between a publisher and its readers, camera drops, slow readers, Digest auth.
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { RtspStreamParser, type RtspItem } from '../src/rtsp/rtsp-message.ts';
import { parseAnnouncedSdp } from '../src/rtsp/sdp.ts';
import { RtspRelay, type RtspRelayOptions } from '../src/rtsp/rtsp-server.ts';
import { parseTransport } from '../src/rtsp/transport-header.ts';

interface Response {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** A hand-written RTSP client over one socket: requests with CSeq, responses, and interleaved frames received. */
class RawClient {
  readonly frames: { channel: number; payload: string }[] = [];
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private cseq = 0;
  private waiting: (() => void) | null = null;
  private isClosed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.takeFrames();
      this.waiting?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.isClosed = true;
      this.waiting?.();
      resolve();
    }));
  }

  static open(t: TestContext, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
      t.after(() => socket.destroy());
    });
  }

  /** Sends a request with the next CSeq and waits for its response. */
  async request(method: string, uri: string, headers: Record<string, string> = {}, body = ''): Promise<Response> {
    const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${++this.cseq}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    const response = await this.response();
    assert.equal(response.headers.get('cseq'), String(this.cseq), `CSeq echoed for ${method}`);
    return response;
  }

  /** Waits for the next response (or throws when the socket closes first). */
  async response(): Promise<Response> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const parsed = this.takeResponse();
      if (parsed !== null) return parsed;
      if (this.isClosed) throw new Error('connection closed before a response');
      if (Date.now() > deadline) throw new Error('no response within 5 s');
      await this.more();
    }
  }

  /** Waits until `predicate` holds, re-checking whenever data arrives. */
  async until(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await this.more();
    }
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  private more(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, 50);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiting = done;
    });
  }

  private takeFrames(): void {
    while (this.buffer.length >= 4 && this.buffer[0] === 0x24) {
      const length = this.buffer.readUInt16BE(2);
      if (this.buffer.length < 4 + length) return;
      this.frames.push({ channel: this.buffer[1]!, payload: this.buffer.toString('latin1', 4, 4 + length) });
      this.buffer = this.buffer.subarray(4 + length);
    }
  }

  private takeResponse(): Response | null {
    this.takeFrames();
    if (this.buffer.length === 0 || this.buffer[0] === 0x24) return null;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine = '', ...lines] = this.buffer.toString('latin1', 0, end).split('\r\n');
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const));
    const length = Number(headers.get('content-length') ?? 0);
    if (this.buffer.length < end + 4 + length) return null;
    const body = this.buffer.toString('utf8', end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    this.takeFrames();
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}

async function startRelay(t: TestContext, options: RtspRelayOptions = {}): Promise<{ relay: RtspRelay; port: number; base: string }> {
  const relay = new RtspRelay(options);
  const { port } = await relay.listen();
  t.after(() => relay.close());
  return { relay, port, base: `rtsp://127.0.0.1:${port}` };
}

function frame(channel: number, payload: string): Buffer {
  const data = Buffer.from(payload, 'latin1');
  const head = Buffer.from([0x24, channel, 0, 0]);
  head.writeUInt16BE(data.length, 2);
  return Buffer.concat([head, data]);
}

const SDP = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=Test', 't=0 0', 'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=control:streamid=0', 'm=audio 0 RTP/AVP 97', 'a=rtpmap:97 MPEG4-GENERIC/8000/1', ''].join('\r\n');

/** ANNOUNCE, SETUP both tracks on channels 0-1 and 2-3, RECORD. */
async function publish(client: RawClient, url: string): Promise<string> {
  assert.equal((await client.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, SDP)).status, 200);
  const video = await client.request('SETUP', `${url}/streamid=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1;mode=record' });
  assert.equal(video.status, 200);
  const session = video.headers.get('session')?.split(';')[0] ?? '';
  assert.match(session, /^[0-9a-f]{16}$/);
  const audio = await client.request('SETUP', `${url}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3;mode="record"', Session: session });
  assert.equal(audio.headers.get('transport'), 'RTP/AVP/TCP;unicast;interleaved=2-3;mode=record');
  assert.equal((await client.request('RECORD', url, { Session: session, Range: 'npt=0.000-' })).status, 200);
  return session;
}

test('the stream parser finds the same requests and frames however the bytes are split', () => {
  const stream = Buffer.concat([
    Buffer.from('OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\n\r\n'),
    frame(0, 'rtp'),
    Buffer.from('\r\nANNOUNCE rtsp://h/a RTSP/1.0\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\nX-Long: a\r\n  b\r\n\r\nv=0\n'),
    Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 9\r\nContent-Length: 2\r\n\r\nok'),
    frame(3, ''),
    Buffer.from('GET_PARAMETER * RTSP/1.0\nCSeq: 3\n\n'),
  ]);
  const summary = (items: RtspItem[]): string[] => items.map((i) => (i.kind === 'request'
    ? `${i.request.method} ${i.request.cseq} ${i.request.body.toString()} ${i.request.headers.get('x-long') ?? ''}`
    : i.kind === 'interleaved' ? `$${i.channel} ${i.frame.length}` : `error ${i.status}`));
  const whole = summary(new RtspStreamParser({ maxHeaderBytes: 1024, maxBodyBytes: 1024 }).push(stream));
  assert.deepEqual(whole, ['OPTIONS 1  ', '$0 7', 'ANNOUNCE 2 v=0\n a b', '$3 4', 'GET_PARAMETER 3  ']);
  const parser = new RtspStreamParser({ maxHeaderBytes: 1024, maxBodyBytes: 1024 });
  const byteByByte = [...stream].flatMap((byte) => parser.push(Buffer.from([byte])));
  assert.deepEqual(summary(byteByByte), whole);
  assert.equal(parser.pendingBytes, 0);
});

test('Transport headers and SDP bodies are read as the relay needs them', () => {
  const transports: [string, ReturnType<typeof parseTransport>][] = [
    ['RTP/AVP/TCP;unicast;interleaved=0-1', { channels: [0, 1], record: false }],
    ['RTP/AVP/TCP;unicast;interleaved=4;mode=record', { channels: [4, 5], record: true }],
    ['RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;interleaved=2-3', { channels: [2, 3], record: false }],
    ['rtp/avp/tcp;mode="RECORD"', { channels: null, record: true }],
    ['RTP/AVP;unicast;client_port=5000-5001', null],
    ['RTP/AVP/UDP;unicast', null],
    ['', null],
    ['RTP/AVP/TCP;interleaved=300-301', 'invalid interleaved channels'],
  ];
  for (const [header, expected] of transports) assert.deepEqual(parseTransport(header), expected, header);
  assert.equal(parseAnnouncedSdp('m=video 0 RTP/AVP 96'), 'the SDP must start with a v= line');
  assert.equal(parseAnnouncedSdp('v=0\ns=x'), 'the SDP has no media section');
  assert.equal(parseAnnouncedSdp('v=0\nnot sdp\nm=video 0 RTP/AVP 96'), 'malformed SDP line');
  assert.deepEqual(parseAnnouncedSdp('v=0\nm=video 0 RTP/AVP 96\nm=audio 0 RTP/AVP 0\na=control:rtsp://h/a/audio'), {
    text: 'v=0\r\nm=video 0 RTP/AVP 96\r\na=control:trackID=0\r\nm=audio 0 RTP/AVP 0\r\na=control:rtsp://h/a/audio\r\n',
    controls: ['trackID=0', 'rtsp://h/a/audio'],
  });
});

test('malformed, oversized and unsupported requests get the right status, and the relay keeps serving', async (t) => {
  const { relay, port, base } = await startRelay(t);
  const cases: { name: string; send: string | Buffer; status: number; closes: boolean }[] = [
    { name: 'text garbage', send: 'hello there\r\n\r\n', status: 400, closes: true },
    { name: 'binary garbage', send: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]), status: 400, closes: true },
    { name: 'huge header', send: `OPTIONS ${base}/x RTSP/1.0\r\nCSeq: 1\r\nX-Pad: ${'a'.repeat(40_000)}\r\n\r\n`, status: 400, closes: true },
    { name: 'endless header', send: `OPTIONS ${base}/x RTSP/1.0\r\nCSeq: 1\r\nX-Pad: ${'a'.repeat(40_000)}`, status: 400, closes: true },
    { name: 'missing CSeq', send: `OPTIONS ${base}/x RTSP/1.0\r\n\r\n`, status: 400, closes: true },
    { name: 'bad CSeq', send: `OPTIONS ${base}/x RTSP/1.0\r\nCSeq: one\r\n\r\n`, status: 400, closes: true },
    { name: 'header line without colon', send: `OPTIONS ${base}/x RTSP/1.0\r\nCSeq: 1\r\nnonsense\r\n\r\n`, status: 400, closes: true },
    { name: 'body too large', send: `ANNOUNCE ${base}/x RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 1000000\r\n\r\n`, status: 400, closes: true },
    { name: 'RTSP/2.0', send: `OPTIONS ${base}/x RTSP/2.0\r\nCSeq: 1\r\n\r\n`, status: 505, closes: true },
    { name: 'unknown method', send: `BREW ${base}/x RTSP/1.0\r\nCSeq: 7\r\n\r\n`, status: 501, closes: false },
    { name: 'SET_PARAMETER', send: `SET_PARAMETER ${base}/x RTSP/1.0\r\nCSeq: 7\r\n\r\n`, status: 501, closes: false },
    { name: 'DESCRIBE of an unknown path', send: `DESCRIBE ${base}/nobody RTSP/1.0\r\nCSeq: 7\r\n\r\n`, status: 404, closes: false },
    { name: 'SETUP over UDP', send: `SETUP ${base}/x/streamid=0 RTSP/1.0\r\nCSeq: 7\r\nTransport: RTP/AVP;unicast;client_port=5000-5001\r\n\r\n`, status: 461, closes: false },
    { name: 'SETUP with bad channels', send: `SETUP ${base}/x RTSP/1.0\r\nCSeq: 7\r\nTransport: RTP/AVP/TCP;interleaved=a-b\r\n\r\n`, status: 400, closes: false },
    { name: 'PLAY without a session', send: `PLAY ${base}/x RTSP/1.0\r\nCSeq: 7\r\n\r\n`, status: 454, closes: false },
    { name: 'ANNOUNCE without SDP', send: `ANNOUNCE ${base}/x RTSP/1.0\r\nCSeq: 7\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi`, status: 415, closes: false },
    { name: 'ANNOUNCE of an invalid SDP', send: `ANNOUNCE ${base}/x RTSP/1.0\r\nCSeq: 7\r\nContent-Type: application/sdp\r\nContent-Length: 3\r\n\r\nv=0`, status: 400, closes: false },
    { name: 'an interleaved frame cut off mid-packet', send: Buffer.from([0x24, 0x00, 0x10, 0x00, 1, 2, 3]), status: 0, closes: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const client = await RawClient.open(t, port);
      client.socket.write(c.send);
      if (c.status !== 0) {
        const response = await client.response();
        assert.equal(response.status, c.status, c.name);
        assert.equal(response.headers.get('cseq'), c.closes ? undefined : '7', `${c.name}: CSeq echoed when valid`);
      }
      if (c.closes) await client.closed;
      else assert.ok(client.isOpen, `${c.name}: the connection stays open`);
      client.socket.destroy();
      await client.closed;
      const probe = await RawClient.open(t, port);
      const options = await probe.request('OPTIONS', '*');
      assert.equal(options.status, 200, `${c.name}: the relay still answers`);
      assert.match(options.headers.get('public') ?? '', /DESCRIBE.*SETUP.*PLAY.*GET_PARAMETER.*TEARDOWN/);
      probe.socket.destroy();
      await probe.closed;
    });
  }
  await waitFor(() => relay.stats().connections === 0, 'all connections to be gone');
});

test('a publisher\'s packets reach every playing reader on the reader\'s own channels', async (t) => {
  const { relay, port, base } = await startRelay(t);
  const url = `${base}/cam`;
  const publisher = await RawClient.open(t, port);
  assert.equal((await publisher.request('DESCRIBE', url)).status, 404, 'nothing to describe before the publisher');
  const session = await publish(publisher, url);
  assert.equal(relay.isLive('cam'), true);
  assert.equal((await publisher.request('GET_PARAMETER', url, { Session: session })).status, 200, 'keep-alive of the publisher');
  assert.equal((await publisher.request('PLAY', url, { Session: session })).status, 455, 'a publisher cannot PLAY');

  const second = await RawClient.open(t, port);
  assert.equal((await second.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, SDP)).status, 455, 'one publisher per path');

  const a = await RawClient.open(t, port);
  const described = await a.request('DESCRIBE', url, { Accept: 'application/sdp' });
  assert.equal(described.status, 200);
  assert.equal(described.headers.get('content-base'), `${url}/`);
  assert.equal(described.headers.get('content-type'), 'application/sdp');
  assert.match(described.body, /a=control:streamid=0\r\n[^]*m=audio[^]*a=control:trackID=1\r\n$/, 'a control URL for the track without one');
  const aVideo = await a.request('SETUP', `${url}/streamid=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=4-5' });
  assert.equal(aVideo.headers.get('transport'), 'RTP/AVP/TCP;unicast;interleaved=4-5');
  const aSession = aVideo.headers.get('session')?.split(';')[0] ?? '';
  const aAudio = await a.request('SETUP', `${url}/trackID=1`, { Transport: 'RTP/AVP/TCP;unicast', Session: aSession });
  assert.equal(aAudio.headers.get('transport'), 'RTP/AVP/TCP;unicast;interleaved=0-1', 'the relay picks free channels');
  assert.equal((await a.request('PLAY', `${url}/`, { Session: 'wrong' })).status, 454);
  assert.equal((await a.request('PLAY', `${url}/`, { Session: aSession })).status, 200);

  const b = await RawClient.open(t, port);
  assert.equal((await b.request('SETUP', `${url}/nosuchtrack`, { Transport: 'RTP/AVP/TCP;interleaved=0-1' })).status, 404);
  const bVideo = await b.request('SETUP', `${url}/streamid=0`, { Transport: 'RTP/AVP/TCP;interleaved=0-1' });
  const bSession = bVideo.headers.get('session')?.split(';')[0] ?? '';
  assert.equal((await b.request('PLAY', url, { Session: bSession })).status, 200);
  assert.equal((await b.request('GET_PARAMETER', url, { Session: bSession })).status, 200);

  const idle = await RawClient.open(t, port);
  await idle.request('SETUP', `${url}/streamid=0`, { Transport: 'RTP/AVP/TCP;interleaved=0-1' });

  const packets = Buffer.concat([frame(0, 'v1'), frame(1, 'vr'), frame(2, 'a1'), frame(3, 'ar'), frame(9, 'unmapped'), frame(0, 'v2')]);
  publisher.socket.write(packets.subarray(0, 9));
  await new Promise((resolve) => setTimeout(resolve, 20));
  publisher.socket.write(packets.subarray(9));
  await a.until(() => a.frames.length >= 5, 'reader A\'s frames');
  await b.until(() => b.frames.length >= 3, 'reader B\'s frames');
  assert.deepEqual(a.frames, [
    { channel: 4, payload: 'v1' }, { channel: 5, payload: 'vr' }, { channel: 0, payload: 'a1' }, { channel: 1, payload: 'ar' }, { channel: 4, payload: 'v2' },
  ]);
  assert.deepEqual(b.frames, [{ channel: 0, payload: 'v1' }, { channel: 1, payload: 'vr' }, { channel: 0, payload: 'v2' }]);
  assert.deepEqual(idle.frames, [], 'a reader that has not sent PLAY gets nothing');
  const stats = relay.stats();
  assert.deepEqual(stats.paths, [{ path: 'cam', recording: true, readers: 3, bytesIn: packets.length, bytesOut: 6 * 5 + 6 * 3 }]);
  assert.equal(stats.bytesForwarded, 6 * 5 + 6 * 3);
  assert.equal((await b.request('PAUSE', url, { Session: bSession })).status, 200);
  publisher.socket.write(frame(0, 'v3'));
  await a.until(() => a.frames.length >= 6, 'reader A\'s next frame');
  assert.deepEqual(a.frames[5], { channel: 4, payload: 'v3' });
  assert.equal(b.frames.length, 3, 'a paused reader gets nothing');

  // The camera drops mid-packet: every reader is disconnected, and the path is free again.
  publisher.socket.write(Buffer.from([0x24, 0, 0x10, 0, 1, 2]));
  publisher.socket.destroy();
  await Promise.all([a.closed, b.closed, idle.closed]);
  assert.equal(relay.isLive('cam'), false);
  const again = await RawClient.open(t, port);
  const newSession = await publish(again, url);
  const c = await RawClient.open(t, port);
  assert.equal((await c.request('DESCRIBE', url)).status, 200, 'a new publisher serves new readers');
  assert.equal((await again.request('TEARDOWN', url, { Session: newSession })).status, 200);
  assert.equal((await c.request('DESCRIBE', url)).status, 404, 'TEARDOWN unpublishes');
});

test('a reader that stops reading is dropped instead of buffering without bound', async (t) => {
  const { relay, port, base } = await startRelay(t, { maxReaderBufferBytes: 256 * 1024 });
  const url = `${base}/slow`;
  const publisher = await RawClient.open(t, port);
  await publish(publisher, url);
  const reader = await RawClient.open(t, port);
  const setup = await reader.request('SETUP', `${url}/streamid=0`, { Transport: 'RTP/AVP/TCP;interleaved=0-1' });
  assert.equal((await reader.request('PLAY', url, { Session: setup.headers.get('session') ?? '' })).status, 200);
  reader.socket.pause();
  const batch = Buffer.concat(Array.from({ length: 16 }, () => frame(0, 'x'.repeat(60_000))));
  for (let sent = 0; relay.stats().readersDropped === 0; sent += batch.length) {
    assert.ok(sent < 256 * 1024 * 1024, 'the reader was dropped before 256 MB were sent');
    if (!publisher.socket.write(batch)) await new Promise((resolve) => publisher.socket.once('drain', resolve));
    await new Promise((resolve) => setImmediate(resolve));
  }
  reader.socket.resume();
  await reader.closed;
  assert.equal(relay.stats().paths[0]?.readers, 0);
  assert.ok(publisher.isOpen, 'the publisher is unaffected');
});

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

test('with credentials every request needs Digest (or Basic) auth', async (t) => {
  const { relay, port, base } = await startRelay(t, { credentials: { username: 'viewer', password: 's3cret pass' } });
  const url = `${base}/cam`;
  const client = await RawClient.open(t, port);
  const challenge = await client.request('OPTIONS', url);
  assert.equal(challenge.status, 401);
  const params = challenge.headers.get('www-authenticate') ?? '';
  assert.match(params, /^Digest realm="sightline", nonce="[0-9a-f]+"/);
  const nonce = /nonce="([0-9a-f]+)"/.exec(params)?.[1] ?? '';
  const digest = (user: string, password: string, method: string, opts: { realm?: string; nonce?: string; qop?: boolean; uri?: string } = {}): string => {
    const realm = opts.realm ?? 'sightline';
    const n = opts.nonce ?? nonce;
    const uri = opts.uri ?? url;
    const ha1 = md5(`${user}:${realm}:${password}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = opts.qop === true ? md5(`${ha1}:${n}:00000001:abcd:auth:${ha2}`) : md5(`${ha1}:${n}:${ha2}`);
    const qop = opts.qop === true ? ', qop=auth, nc=00000001, cnonce="abcd"' : '';
    return `Digest username="${user}", realm="${realm}", nonce="${n}", uri="${uri}", response="${response}"${qop}`;
  };
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const cases: [string, string | null, number][] = [
    ['no Authorization', null, 401],
    ['correct Digest', digest('viewer', 's3cret pass', 'OPTIONS'), 200],
    ['correct Digest with qop=auth', digest('viewer', 's3cret pass', 'OPTIONS', { qop: true }), 200],
    ['wrong password', digest('viewer', 'guess', 'OPTIONS'), 401],
    ['wrong user', digest('admin', 's3cret pass', 'OPTIONS'), 401],
    ['wrong realm', digest('viewer', 's3cret pass', 'OPTIONS', { realm: 'other' }), 401],
    ['forged nonce', digest('viewer', 's3cret pass', 'OPTIONS', { nonce: 'a'.repeat(56) }), 401],
    ['digest for another method', digest('viewer', 's3cret pass', 'DESCRIBE'), 401],
    ['digest for another URI', digest('viewer', 's3cret pass', 'OPTIONS', { uri: `${base}/other` }), 401],
    ['digest with a relative URI', digest('viewer', 's3cret pass', 'OPTIONS', { uri: '/cam' }), 200],
    ['correct Basic', basic('viewer', 's3cret pass'), 200],
    ['wrong Basic', basic('viewer', 'nope'), 401],
    ['unknown scheme', 'Bearer abc', 401],
  ];
  for (const [name, authorization, status] of cases) {
    await t.test(name, async () => {
      const response = await client.request('OPTIONS', url, authorization === null ? {} : { Authorization: authorization });
      assert.equal(response.status, status, name);
      assert.equal(response.headers.has('www-authenticate'), status === 401, `${name}: a challenge comes with each 401`);
    });
  }
  const publisher = await RawClient.open(t, port);
  assert.equal((await publisher.request('ANNOUNCE', url, { 'Content-Type': 'application/sdp' }, SDP)).status, 401, 'publishers need credentials too');
  assert.equal(relay.hasPublisher('cam'), false);
  assert.ok(client.isOpen, 'a 401 leaves the connection open for the retry');
});

test('idle connections are closed, and close() ends every socket', async (t) => {
  const { relay, port, base } = await startRelay(t, { idleTimeoutMs: 300 });
  const idle = await RawClient.open(t, port);
  await idle.closed;
  const publisher = await RawClient.open(t, port);
  await publish(publisher, `${base}/cam`);
  const reader = await RawClient.open(t, port);
  await reader.request('DESCRIBE', `${base}/cam`);
  await relay.close();
  await Promise.all([publisher.closed, reader.closed]);
  assert.equal(relay.stats().connections, 0);
  await assert.rejects(RawClient.open(t, port), /ECONNREFUSED/);
});

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
