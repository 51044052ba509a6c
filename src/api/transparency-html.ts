/**
 * The transparency report as server-rendered HTML, readable without JavaScript and printable: the
 * page (/transparency) and a sign for the premises (/transparency/sign) with a QR code of the page's
 * address. Every text from the configuration is escaped; there is no image of any camera.
 */
import QRCode from 'qrcode';
import { ANALYTIC_WORDS } from '../core/purpose.ts';
import type { Transparency } from './schemas/transparency.ts';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The stylesheet of both pages (served as /transparency.css: the CSP allows no inline style), with print rules. */
export const TRANSPARENCY_CSS = `
:root { color: #1b1d21; background: #fff; font-family: system-ui, sans-serif; line-height: 1.45; }
body { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.8rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #c9ccd1; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #e1e3e6; }
thead th { border-bottom: 2px solid #c9ccd1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #5b616b; }
.warn { color: #8a4b00; font-weight: 600; }
.bad { color: #b00020; font-weight: 600; }
.camera { border: 1px solid #c9ccd1; border-radius: 6px; padding: .25rem 1rem .75rem; margin: .75rem 0; }
.camera dl, dl.facts { display: grid; grid-template-columns: minmax(8rem, 12rem) 1fr; gap: .25rem 1rem; margin: .5rem 0 0; }
.camera dt, dl.facts dt { font-weight: 600; }
.camera dd, dl.facts dd { margin: 0; }
a { color: #1f5fbf; }
.sign { max-width: 42rem; text-align: center; }
.sign h1 { font-size: 2.6rem; margin-top: 1.5rem; }
.sign .lead { font-size: 1.3rem; }
.sign ul { text-align: left; font-size: 1.1rem; }
.sign figure { margin: 1.5rem auto; }
.sign figure svg { width: 16rem; height: 16rem; }
.sign figcaption { font-size: 1.05rem; word-break: break-all; }
@media print {
  :root { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .screen-only { display: none; }
  .camera { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .sign h1 { font-size: 34pt; }
  .sign figure svg { width: 7cm; height: 7cm; }
}
`;

const RECORDING_WORDS: Readonly<Record<Transparency['cameras'][number]['recording']['mode'], string>> = {
  continuous: 'Video, all the time',
  events: 'Video only around events',
  off: 'No video',
};

function recordsText(c: Transparency['cameras'][number]): string {
  if (!c.enabled) return 'Nothing: the camera is switched off';
  const video = c.recording.mode === 'events' ? `${RECORDING_WORDS.events} (${c.recording.preRollSeconds} s before to ${c.recording.postRollSeconds} s after each)` : RECORDING_WORDS[c.recording.mode];
  return c.snapshots ? `${video}; a still picture with each event` : video;
}

function analyticsText(analytics: Transparency['cameras'][number]['analytics']): string {
  return analytics.length === 0 ? 'None' : analytics.map((a) => ANALYTIC_WORDS[a]).join('; ');
}

function statementHtml(statement: string): string {
  return statement.trim() === '' ? '<span class="warn">Not stated by the operator</span>' : escapeHtml(statement);
}

function operatorHtml(value: string | null, setting: string): string {
  return value === null ? `<span class="warn">Not configured</span> <span class="muted">(the operator has not set <code>${setting}</code>)</span>` : escapeHtml(value);
}

/** A UTC time for people: `2024-06-01 12:00 UTC`. */
export function utcText(at: number): string {
  return `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function monthText(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function head(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/transparency.css">
</head>
`;
}

function cameraHtml(c: Transparency['cameras'][number]): string {
  return `<article class="camera" aria-labelledby="camera-${escapeHtml(c.name)}">
<h3 id="camera-${escapeHtml(c.name)}">${escapeHtml(c.name)}</h3>
<dl>
<dt>Purpose</dt><dd>${statementHtml(c.purpose.statement)}</dd>
<dt>Records</dt><dd>${escapeHtml(recordsText(c))}</dd>
<dt>Analytics running</dt><dd>${escapeHtml(analyticsText(c.analytics))}</dd>
<dt>Analytics its purpose allows</dt><dd>${escapeHtml(analyticsText(c.purpose.allows))}</dd>
</dl>
</article>`;
}

function chainHtml(chain: Transparency['auditChain']): string {
  const when = `verified ${escapeHtml(utcText(chain.verifiedAt))}`;
  return chain.intact
    ? `<p>The audit log is hash-chained, so that no entry can be edited or removed unseen. Last ${when}: <strong>intact</strong>, ${chain.entries ?? 0} entries.</p>`
    : `<p class="bad">The audit log was ${when} and found NOT intact from entry ${chain.firstBadEntry ?? '?'} on: entries were altered or removed.</p>`;
}

/** The transparency page. */
export function transparencyPageHtml(t: Transparency): string {
  const cameras = t.cameras.length === 0 ? '<p>No cameras are set up.</p>' : t.cameras.map(cameraHtml).join('\n');
  const retention = t.retention.map((r) => `<tr><th scope="row">${escapeHtml(r.what)}</th><td>${escapeHtml(r.keptFor)}</td></tr>`).join('\n');
  const months = t.usage.months
    .map((m) => `<tr><th scope="row">${escapeHtml(monthText(m.month))}</th><td class="num">${m.liveViews}</td><td class="num">${m.playbacks}</td><td class="num">${m.exports}</td><td class="num">${m.unredactedGrants}</td><td class="num">${m.erasures}</td></tr>`)
    .join('\n');
  return `${head('About these cameras: purpose, recording, retention and use')}<body>
<main>
<h1>About these cameras</h1>
<p>This page says who operates the cameras here, what each is for, what it records and analyses, how long each kind of data is kept, and how the video has been used. It shows no video and no pictures.</p>
<h2>Operator</h2>
<dl class="facts">
<dt>Operated by</dt><dd>${operatorHtml(t.operator.name, 'transparency.operator')}</dd>
<dt>Contact</dt><dd>${operatorHtml(t.operator.contact, 'transparency.contact')}</dd>
</dl>
<h2>Cameras</h2>
${cameras}
<h2>How long data is kept</h2>
<table>
<thead><tr><th scope="col">Data</th><th scope="col">Kept for</th></tr></thead>
<tbody>
${retention}
</tbody>
</table>
<h2>How the video has been used</h2>
<p class="muted">Totals per calendar month (UTC) from the audit log, counted ${escapeHtml(utcText(t.usage.countedAt))}; the first month is the month so far.</p>
<table>
<thead><tr><th scope="col">Month</th><th scope="col" class="num">Live views</th><th scope="col" class="num">Playbacks</th><th scope="col" class="num">Exports</th><th scope="col" class="num">Unredacted video granted</th><th scope="col" class="num">Erasures</th></tr></thead>
<tbody>
${months}
</tbody>
</table>
<h2>Audit log</h2>
${chainHtml(t.auditChain)}
<p class="screen-only"><a href="/transparency/sign">A printable sign for the premises</a> · <a href="/api/transparency">This page as JSON</a></p>
<p class="muted">Page generated ${escapeHtml(utcText(t.generatedAt))} by Sightline.</p>
</main>
</body>
</html>
`;
}

/** The QR code of `url` as inline SVG, labelled for screen readers. */
export async function qrSvg(url: string): Promise<string> {
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return svg.replace('<svg ', `<svg role="img" aria-label="QR code of ${escapeHtml(url)}" `);
}

/** The printable sign: cameras in operation, who operates them, their purposes, and a QR code to the page. */
export async function transparencySignHtml(t: Transparency): Promise<string> {
  const purposes = t.cameras
    .filter((c) => c.enabled)
    .map((c) => `<li><strong>${escapeHtml(c.name)}</strong>: ${statementHtml(c.purpose.statement)}</li>`)
    .join('\n');
  return `${head('Video surveillance in operation')}<body>
<main class="sign">
<h1>Video surveillance in operation</h1>
<p class="lead">Operated by ${operatorHtml(t.operator.name, 'transparency.operator')}</p>
<p>Contact: ${operatorHtml(t.operator.contact, 'transparency.contact')}</p>
${purposes === '' ? '' : `<ul>\n${purposes}\n</ul>`}
<figure>
${await qrSvg(t.url)}
<figcaption>What the cameras are for, what they record, how long it is kept and how it has been used: <br>${escapeHtml(t.url)}</figcaption>
</figure>
<p class="screen-only"><a href="/transparency">Back to the transparency page</a> · print this page for the sign</p>
</main>
</body>
</html>
`;
}
