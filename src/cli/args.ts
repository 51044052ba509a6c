import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SightlineError } from '../core/errors.ts';

/** Parses command arguments with node:util, turning its errors into usage errors with the command's name. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: readonly string[],
  options: T,
): { values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>['values']; positionals: string[] } {
  try {
    const r = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: r.values, positionals: r.positionals };
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new SightlineError('USAGE', `${msg.replace(/\s*\n\s*/g, ' ').replace(/\.+$/, '')}. Run "sightline --help" for usage of ${command}.`, { cause });
  }
}

/** Reads an optional positive number option, with a usage error naming the flag. */
export function positiveNumber(flag: string, value: string | undefined, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new SightlineError('USAGE', `--${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${value}"`);
  }
  return n;
}

/** The data directory: `--data-dir`, else `$SIGHTLINE_DATA_DIR`, else `./data`. */
export function dataDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.SIGHTLINE_DATA_DIR ?? 'data';
}
