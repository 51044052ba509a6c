/**
 * The little of SDP (RFC 4566) the relay needs: the media sections of an announced description and
 * their control URLs (RFC 2326 §C.1.1), so that SETUP requests can be matched to tracks.
 */

/** An announced session description, normalised so that every media section has a control URL. */
export interface AnnouncedSdp {
  /** The description served to readers, with CRLF line ends. */
  readonly text: string;
  /** The control attribute of each media section, in order (relative like `streamid=0`, or absolute). */
  readonly controls: readonly string[];
}

/**
 * Parses an SDP body; media sections without `a=control` get `trackID=<index>`. Returns a reason
 * string when the body is not a usable description (no `v=` line, no media section).
 */
export function parseAnnouncedSdp(body: string): AnnouncedSdp | string {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (!lines[0]?.startsWith('v=')) return 'the SDP must start with a v= line';
  const out: string[] = [];
  const controls: string[] = [];
  let inMedia = false;
  let control: string | null = null;
  const closeMedia = (): void => {
    if (!inMedia) return;
    if (control === null) {
      control = `trackID=${controls.length}`;
      out.push(`a=control:${control}`);
    }
    controls.push(control);
  };
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) return 'malformed SDP line';
    if (line.startsWith('m=')) {
      closeMedia();
      inMedia = true;
      control = null;
    } else if (inMedia && line.startsWith('a=control:')) {
      control = line.slice('a=control:'.length).trim();
    }
    out.push(line);
  }
  closeMedia();
  if (controls.length === 0) return 'the SDP has no media section';
  return { text: `${out.join('\r\n')}\r\n`, controls };
}

/** Index of the track whose control URL names `requestPath` (a URL path) on the stream at `streamPath`, or -1. */
export function trackIndex(controls: readonly string[], streamPath: string, requestPath: string): number {
  const rest = requestPath.startsWith(`${streamPath}/`) ? requestPath.slice(streamPath.length + 1) : requestPath === streamPath ? '' : null;
  if (rest === null) return -1;
  if (rest === '' && controls.length === 1) return 0;
  return controls.findIndex((control) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(control)) return urlPath(control) === requestPath;
    return control.replace(/^\/+/, '') === rest;
  });
}

/** The path of an absolute URL without trailing slashes, or '' when it cannot be parsed. */
export function urlPath(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * A camera's description as the relay serves it: the session-level control dropped and every media
 * section's control set to `trackID=<index>`, so readers set tracks up on the relay's own path
 * whatever URLs the camera used. CRLF line ends.
 */
export function relaySdp(body: string): string {
  const out: string[] = [];
  let media = -1;
  for (const line of body.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('a=control:')) continue;
    out.push(line);
    if (line.startsWith('m=')) out.push(`a=control:trackID=${++media}`);
  }
  return `${out.join('\r\n')}\r\n`;
}
