import { SightlineError } from '../core/errors.ts';
import { runAnalyze } from './analyze.ts';
import { AUDIT_USAGE, runAudit } from './audit.ts';
import { runEval } from './eval.ts';
import { runServe, SERVE_USAGE } from './serve.ts';

const HELP = `sightline — open-source NVR with measured, privacy-respecting video analytics

Usage:
${SERVE_USAGE}  sightline analyze <video> --config <file.yml> --out <dir> [--fps N] [--workers N] [--data-dir DIR] [--strict]
      Detect, track, count and heat-map every frame of a video file (or N frames/s).
      Writes events.jsonl, tracks.txt (+ tracks-<class>.txt), summary.json, heatmap.png.
      A file that decodes short of what its container claims, or with decode errors, gets a
      warning (summary.json "input"); --strict makes that an error (exit 3).
      Converted models are cached in --data-dir (default $SIGHTLINE_DATA_DIR or ./data).
  sightline eval --gt <gt.txt> --tracks <tracks.txt> [--lines-truth <truth.json> --summary <summary.json>]
      Scores tracks against MOTChallenge ground truth: MOTA, MOTP, IDF1, HOTA (DetA, AssA, LocA),
      ID switches; with --lines-truth, counting accuracy per line.
${AUDIT_USAGE}  sightline help | --help      This text.
  sightline --version          The version.

Exit status: 0 on success, 1 on a runtime failure, 2 on bad usage or bad input,
3 when analyze --strict finds the input truncated or damaged (results still written).
`;

/** Runs the CLI with the given arguments and returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await runServe(rest);
      case 'analyze':
        return await runAnalyze(rest);
      case 'eval':
        return await runEval(rest);
      case 'audit':
        return await runAudit(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        process.stdout.write('sightline 0.1.0\n');
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
