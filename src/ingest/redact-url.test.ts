import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactText, redactUrl } from './redact-url.ts';

/** Each case: input, expected output, and the secrets that must not appear in the output (raw or decoded). */
const CASES: ReadonlyArray<readonly [input: string, expected: string, secrets: readonly string[]]> = [
  ['rtsp://admin:hunter2@192.168.1.10:554/Streaming/Channels/101', 'rtsp://***@192.168.1.10:554/Streaming/Channels/101', ['admin', 'hunter2']],
  ['rtsps://admin:hunter2@cam.local/live', 'rtsps://***@cam.local/live', ['admin', 'hunter2']],
  ['http://user:pw@cam/video.mjpg', 'http://***@cam/video.mjpg', ['user:pw', ':pw']],
  ['HTTPS://User:Pw@cam/video.mjpg', 'HTTPS://***@cam/video.mjpg', ['User', 'Pw@']],
  ['rtsp://onlyuser@cam/live', 'rtsp://***@cam/live', ['onlyuser']],
  ['rtsp://admin:p@ss@w0rd@10.0.0.2/stream1', 'rtsp://***@10.0.0.2/stream1', ['p@ss', 'w0rd']],
  ['rtsp://admin:pa/ss?wo#rd@10.0.0.2/s', 'rtsp://***@10.0.0.2/s', ['pa/ss', 'wo#rd']],
  ['rtsp://admin:p%40ss%3Aw%2Frd@cam/s', 'rtsp://***@cam/s', ['p%40ss', 'p@ss:w/rd']],
  ['rtsp://ad%6Din:s3cr%65t@cam/s', 'rtsp://***@cam/s', ['ad%6Din', 'admin', 's3cr%65t', 's3cret']],
  ['rtsp://cam.local:554/live', 'rtsp://cam.local:554/live', []],
  ['http://cam/snap.cgi?user=admin&pwd=topsecret&channel=1', 'http://cam/snap.cgi?user=***&pwd=***&channel=1', ['admin', 'topsecret']],
  ['http://cam/s?Password=a%20b&access_token=tok123#sig=zz', 'http://cam/s?Password=***&access_token=***#sig=***', ['a%20b', 'a b', 'tok123', 'zz']],
  ['http://cam/s?pass%77ord=hidden&res=720', 'http://cam/s?pass%77ord=***&res=720', ['hidden']],
  ['http://cam/s?apiKey=k1;session_id=k2&fps=5', 'http://cam/s?apiKey=***;session_id=***&fps=5', ['k1', 'k2']],
  ['http://u:p@cam/s?token=t0k', 'http://***@cam/s?token=***', ['t0k']],
  ['/var/video/cam@front/clip.mp4', '/var/video/cam@front/clip.mp4', []],
  ['./clips/user:pass.mp4', './clips/user:pass.mp4', []],
  ['C:\\video\\a@b.mp4', 'C:\\video\\a@b.mp4', []],
  ['file:///home/me/@clips/a.mp4', 'file:///home/me/@clips/a.mp4', []],
  ['', '', []],
];

test('redactUrl hides every credential and leaves everything else as it was', () => {
  for (const [input, expected, secrets] of CASES) {
    const out = redactUrl(input);
    assert.equal(out, expected, input);
    for (const secret of secrets) assert.ok(!out.includes(secret), `${secret} survives in ${out}`);
  }
});

test('redactUrl over-redacts, never leaks, when a credential-free URL has @ in its path', () => {
  assert.equal(redactUrl('rtsp://cam/live@main'), 'rtsp://***@main');
});

test('redactText redacts URLs inside ffmpeg log lines', () => {
  const line = "[error] rtsp://admin:secret@127.0.0.1:9/x: Connection refused; Input #0, rtsp, from 'http://u:p@h/a?token=zz':";
  const out = redactText(line);
  assert.equal(out, "[error] rtsp://***@127.0.0.1:9/x: Connection refused; Input #0, rtsp, from 'http://***@h/a?token=***':");
});

test('redactText removes the secrets of known sources wherever they appear, also decoded', () => {
  const source = 'rtsp://admin:p%40ss word@cam/s?token=abc%2Bdef';
  const text = 'auth failed for admin with p@ss word, token abc+def; url rtsp://admin:p%40ss word@cam/s';
  const out = redactText(text, [source]);
  for (const secret of ['admin', 'p@ss word', 'p%40ss', 'abc+def']) assert.ok(!out.includes(secret), `${secret} survives in ${out}`);
  assert.match(out, /rtsp:\/\/\*\*\*/);
});

test('redactText keeps very short user names in free text but never a password', () => {
  assert.equal(redactText('Connection refused to u at x', ['http://u:x@cam/s']), 'Connection refused to u at ***');
});

test('redactText leaves text without URLs or secrets unchanged', () => {
  assert.equal(redactText('moov atom not found', ['rtsp://cam/live']), 'moov atom not found');
});
