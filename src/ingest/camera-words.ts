/**
 * A camera's failure in words a user can act on, from the text ffmpeg or ffprobe printed: "cannot
 * connect to rtsp://192.0.2.10:554: connection refused" rather than "Cannot probe rtsp://…: [tcp @
 * 0x55d…] Connection to tcp://192.0.2.10:554?timeout=0 failed: Connection refused". `where` is the
 * camera's URL, already redacted; text that matches no known failure is kept, trimmed.
 */

const RULES: ReadonlyArray<readonly [RegExp, (at: string, path: string) => string]> = [
  [/No such file or directory/i, (_at, p) => `no such file: ${p}`],
  [/\b401\b|Unauthorized|authorization failed/i, (at) => `${at} refused the credentials (401 Unauthorized): check the camera's user name and password`],
  [/\b403\b|Forbidden/i, (at) => `${at} forbids this stream (403 Forbidden): check the user's rights on the camera`],
  [/\b404\b|Not Found/i, (at, p) => `${at} has no stream at ${p} (404 Not Found): check the stream path`],
  [/Connection refused/i, (at) => `cannot connect to ${at}: connection refused (is the camera on, and is this its port?)`],
  [/Name or service not known|name resolution|Temporary failure in name resolution|nodename nor servname/i, (at) => `cannot find the host of ${at}: the name does not resolve`],
  [/No route to host|Network is unreachable|unreachable/i, (at) => `cannot reach ${at}: no route to the host`],
  [/timed out|gave no answer|Operation timed out/i, (at) => `cannot connect to ${at}: no answer (timed out)`],
  [/Connection reset|Broken pipe|End of file|Server returned 5\d\d|connection closed/i, (at) => `${at} closed the connection`],
  [/matches no streams|does not contain any stream|no video stream/i, (at) => `${at} sends no video stream`],
  [/Invalid data found|moov atom not found|could not find codec parameters|Unknown format/i, (at) => `${at} sends nothing ffmpeg can decode as video`],
];

/** `scheme://host[:port]` and the path of a URL or file; the whole text when it is not a URL. */
function placeOf(where: string): { at: string; path: string } {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)([^?#]*)/i.exec(where);
  if (m === null) return { at: where, path: where };
  return { at: m[1]!, path: m[2] === '' || m[2] === undefined ? '/' : m[2] };
}

/** The failure `text` (ffmpeg's or ffprobe's) of the camera at `where` (a redacted URL or a file path), in words. */
export function cameraProblemInWords(text: string, where: string): string {
  const { at, path } = placeOf(where);
  for (const [pattern, words] of RULES) if (pattern.test(text)) return words(at, path);
  const trimmed = text.replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/gi, '').trim();
  return trimmed === '' ? `${at} failed` : `${at} failed: ${trimmed.slice(0, 300)}`;
}
