import { readFileSync } from 'node:fs';
import { SightlineError } from '../core/errors.ts';

// Each command's module is imported only when that command runs, so that `--version` and `--help`
// load this file and the error type, not the server, the detectors or ffmpeg's plumbing.
const HELP = `sightline — open-source NVR with measured, privacy-respecting video analytics

Usage:
  sightline serve [--config sightline.yml] [--data-dir DIR] [--demo] [--port N] [--host ADDR] [--workers N]
      Runs the NVR: cameras, continuous analytics, recording, events, notifications and the HTTPS API.
      --config defaults to ./sightline.yml when it exists, else built-in defaults; --demo adds a demo
      camera (an RTSP stream on 127.0.0.1 looping the bundled clip). Prints the URL and, until the
      first admin exists, a one-time setup link. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
  sightline analyze <video> --config <file.yml> --out <dir> [--fps N] [--preset default|dense] [--workers N] [--data-dir DIR] [--strict]
      Detect, track, count and heat-map every frame of a video file (or N frames/s).
      --preset dense: for crowds of small, far people (3x2 tiles, six inferences a frame).
      Writes events.jsonl, tracks.txt (+ tracks-<class>.txt), occupancy.csv, summary.json, heatmap.png.
      A file that decodes short of what its container claims, or with decode errors, gets a
      warning (summary.json "input"); --strict makes that an error (exit 3).
      Converted models are cached in --data-dir (default $SIGHTLINE_DATA_DIR or ./data).
  sightline redact <video> --out <file.mp4> [--keep-track ID] [--config <file.yml>] [--workers N] [--data-dir DIR]
      Pixelates the head of every person in a video file, frame for frame (same size, frame count
      and rate), for publishing footage or answering a request. --keep-track ID leaves one tracked
      person visible and hides everyone else: a subject-access export (ids as analyze's tracks.txt).
  sightline eval --gt <gt.txt> --tracks <tracks.txt> [--lines-truth <truth.json> --summary <summary.json>]
      Scores tracks against MOTChallenge ground truth: MOTA, MOTP, IDF1, HOTA (DetA, AssA, LocA),
      ID switches; with --lines-truth, counting accuracy per line.
  sightline eval --counts-truth <counts.csv> --occupancy <occupancy.csv> [--zone NAME]
      Scores analyze's per-frame occupancy (occupancy.csv) against true counts per frame (a CSV with a
      count column, and frame numbers or one row per frame): accuracy, mean and signed error, the worst
      frame. For choosing a camera's preset on a few annotated frames of its own scene.
  sightline audit verify [--data-dir DIR]
      Checks the hash chain of the audit log in DIR/sightline.db (default $SIGHTLINE_DATA_DIR or ./data),
      keyed with DIR/secret.key: exit 0 when every entry is intact, 1 naming the first edited or missing
      entry. A cut tail shows only against a count kept elsewhere (the server logs its head at each start).
  sightline help | --help      This text.
  sightline --version          The version.

Exit status: 0 on success, 1 on a runtime failure, 2 on bad usage or bad input,
3 when analyze --strict finds the input truncated or damaged (results still written).
`;

/** The version in package.json (two folders up from both src/cli/ and dist/cli/). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await (await import('./serve.ts')).runServe(rest);
      case 'analyze':
        return await (await import('./analyze.ts')).runAnalyze(rest);
      case 'redact':
        return await (await import('./redact.ts')).runRedact(rest);
      case 'eval':
        return await (await import('./eval.ts')).runEval(rest);
      case 'audit':
        return await (await import('./audit.ts')).runAudit(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        process.stdout.write(`sightline ${version()}\n`);
        return 0;
      default:
        process.stderr.write(`sightline: unknown command "${command}". Run "sightline --help" for the list.\n`);
        return 2;
    }
  } catch (err) {
    if (err instanceof SightlineError) {
      process.stderr.write(`sightline ${command}: ${err.message}\n`);
      return err.status < 500 ? 2 : 1;
    }

    throw err;
  }
}
