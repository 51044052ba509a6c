import { SightlineError } from '../core/errors.ts';
import { readPrivateFile } from '../security/key-file.ts';
import { secretKeyPath } from '../security/secret-box.ts';
import { auditKeyFromSecret, type AuditVerification } from '../store/audit-log.ts';
import { databasePath } from '../store/database.ts';
import { verifyAuditLogFile } from '../store/sqlite-stores.ts';
import { dataDirFrom, parseCommandArgs } from './args.ts';

/** Where the audit command writes and which environment it reads; tests pass their own. */
export interface AuditIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `sightline audit verify`: reads the database read-only and checks every entry of the audit log with
 * the HMAC key derived from the data directory's secret key file (when it exists);
 * prints `audit log OK: N entries` (and, once retention deleted the oldest, from which checkpoint) and returns 0, or names the first bad entry and returns 1. A missing
 * database throws DATABASE_NOT_FOUND; bad arguments throw USAGE.
 */
export async function runAudit(argv: readonly string[], io: AuditIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') {
    throw new SightlineError('USAGE', `audit needs a subcommand: "sightline audit verify [--data-dir DIR]"${sub === undefined ? '' : `, got "${sub}"`}`);
  }
  const { values, positionals } = parseCommandArgs('audit verify', rest, { 'data-dir': { type: 'string' } });
  if (positionals.length > 0) throw new SightlineError('USAGE', `audit verify takes no positional arguments, got "${positionals.join(' ')}"`);
  const dataDir = dataDirFrom(values['data-dir'], io.env);
  const file = databasePath(dataDir);
  const secret = readPrivateFile(secretKeyPath(dataDir));
  const result: AuditVerification = verifyAuditLogFile(file, secret === undefined ? {} : { key: auditKeyFromSecret(secret) });
  if (result.ok) {
    const purged = result.purgedThrough === undefined ? '' : ` (entries 1 to ${result.purgedThrough} were deleted by retention; the chain is verified from their sealed checkpoint)`;
    io.stdout.write(`audit log OK: ${result.entries} entries${purged}\n`);
    return 0;
  }
  io.stderr.write(`sightline audit verify: the audit log is NOT intact at entry ${result.firstBadSeq}: ${result.reason}\n`);
  return 1;
}
