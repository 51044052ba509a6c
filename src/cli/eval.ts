import { readFile } from 'node:fs/promises';
import { SightlineError } from '../core/errors.ts';
import { countingAccuracy, evaluateTracking, type LineCounts } from '../core/metrics/evaluate.ts';
import { parseMot, type MotSequence } from '../core/metrics/mot-format.ts';
import { occupancyAccuracy, parseCountsCsv } from '../core/metrics/occupancy-accuracy.ts';
import { parseCommandArgs } from './args.ts';

async function readInput(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new SightlineError('INPUT_INVALID', `--${flag} ${file} ${why}`, { cause });
  }
}

async function readMot(flag: string, file: string): Promise<MotSequence> {
  const parsed = parseMot(await readInput(flag, file));
  if (!parsed.ok) throw new SightlineError('INPUT_INVALID', `${file}:${parsed.error.line}: ${parsed.error.message.replace(/^line \d+: /, '')}`);
  return parsed.value;
}

function isCounts(v: unknown): v is LineCounts {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((c: unknown) => typeof c === 'object' && c !== null && typeof (c as { in?: unknown }).in === 'number' && typeof (c as { out?: unknown }).out === 'number');
}

async function readCounts(flag: string, file: string, key?: string): Promise<LineCounts> {
  let data: unknown;
  try {
    data = JSON.parse(await readInput(flag, file));
  } catch (cause) {
    if (cause instanceof SightlineError) throw cause;
    throw new SightlineError('INPUT_INVALID', `${file} is not valid JSON`, { cause });
  }
  const counts = key !== undefined ? (typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[key] : undefined) : data;
  if (!isCounts(counts)) throw new SightlineError('INPUT_INVALID', `${file} does not hold line counts of the form ${key !== undefined ? `{"${key}": {"<line>": {"in": n, "out": n}}}` : '{"<line>": {"in": n, "out": n}}'}`);
  return counts;
}

const f4 = (n: number): string => (Number.isFinite(n) ? n.toFixed(4) : String(n));

/** `sightline eval`: scores tracks against ground truth, and line counts against true counts. */
export async function runEval(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('eval', argv, {
    gt: { type: 'string' },
    tracks: { type: 'string' },
    'lines-truth': { type: 'string' },
    summary: { type: 'string' },
    'counts-truth': { type: 'string' },
    occupancy: { type: 'string' },
    zone: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new SightlineError('USAGE', `eval takes no positional arguments, got "${positionals.join(' ')}"`);
  const haveTracking = values.gt !== undefined || values.tracks !== undefined;
  const haveCounting = values['lines-truth'] !== undefined || values.summary !== undefined;
  const haveOccupancy = values['counts-truth'] !== undefined || values.occupancy !== undefined;
  if (!haveTracking && !haveCounting && !haveOccupancy) throw new SightlineError('USAGE', 'give --gt and --tracks, --lines-truth and --summary, or --counts-truth and --occupancy (any of the pairs together)');
  if (haveOccupancy && (values['counts-truth'] === undefined || values.occupancy === undefined)) throw new SightlineError('USAGE', '--counts-truth and --occupancy go together');
  if (haveTracking && (values.gt === undefined || values.tracks === undefined)) throw new SightlineError('USAGE', '--gt and --tracks go together');
  if (haveCounting && (values['lines-truth'] === undefined || values.summary === undefined)) throw new SightlineError('USAGE', '--lines-truth and --summary go together');

  const report: Record<string, unknown> = {};
  if (values.gt !== undefined && values.tracks !== undefined) {
    const e = evaluateTracking(await readMot('gt', values.gt), await readMot('tracks', values.tracks));
    report.tracking = e;
    if (!values.json) {
      process.stdout.write(
        [
          `MOTA ${f4(e.mota)}  MOTP ${f4(e.motp)} (mean 1-IoU; mean IoU ${f4(e.motpIou)})`,
          `IDF1 ${f4(e.idf1)}  IDP ${f4(e.idp)}  IDR ${f4(e.idr)}`,
          `HOTA ${f4(e.hota)}  DetA ${f4(e.detA)}  AssA ${f4(e.assA)}  LocA ${f4(e.locA)}`,
          `ID switches ${e.numSwitches}  fragmentations ${e.numFragmentations}  FP ${e.numFalsePositives}  FN ${e.numMisses}  recall ${f4(e.recall)}  precision ${f4(e.precision)}`,
          `objects ${e.numUniqueObjects}  mostly tracked ${e.mostlyTracked}  partially ${e.partiallyTracked}  mostly lost ${e.mostlyLost}`,
          '',
        ].join('\n'),
      );
    }
  }
  if (values['lines-truth'] !== undefined && values.summary !== undefined) {
    const c = countingAccuracy(await readCounts('lines-truth', values['lines-truth']), await readCounts('summary', values.summary, 'lines'));
    report.counting = c;
    if (!values.json) {
      for (const x of c.comparisons) process.stdout.write(`${x.line} ${x.direction}: measured ${x.measured}, truth ${x.truth}, error ${x.absoluteError}\n`);
      process.stdout.write(`counting accuracy ${f4(c.accuracy)} (${c.totalAbsoluteError} off of ${c.totalTruth} true crossings)\n`);
    }
  }
  if (values['counts-truth'] !== undefined && values.occupancy !== undefined) {
    const read = async (flag: string, file: string, zone?: string): Promise<Map<number, number>> => {
      const parsed = parseCountsCsv(await readInput(flag, file), zone);
      if (!parsed.ok) throw new SightlineError('INPUT_INVALID', `${file}:${parsed.error.line}: ${parsed.error.message}`);
      return parsed.value;
    };
    const o = occupancyAccuracy(await read('counts-truth', values['counts-truth']), await read('occupancy', values.occupancy, values.zone));
    report.occupancy = o;
    if (!values.json) {
      process.stdout.write(
        `occupancy accuracy ${f4(o.accuracy)} over ${o.frames} frames (${o.totalAbsoluteError} off of ${o.totalTruth} true counts): mean absolute error ${o.meanAbsoluteError.toFixed(2)} per frame, ` +
          `mean error ${o.meanError >= 0 ? '+' : ''}${o.meanError.toFixed(2)} (${o.meanError > 0 ? 'over' : o.meanError < 0 ? 'under' : 'no bias'}), largest ${o.maxAbsoluteError} at frame ${o.worstFrame ?? '-'}` +
          `${o.unmeasuredFrames > 0 ? `; ${o.unmeasuredFrames} frame(s) without a count, taken as 0` : ''}\n`,
      );
    }
  }
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}
