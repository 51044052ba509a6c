/** Helpers the server benchmarks share: a free loopback port, a quantile, the memory of this process's ffmpeg children. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 just now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The q-quantile (0..1) of ascending values, or null when there are none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Proportional set size (MiB) of this process's ffmpeg children (decoders, recorders; publishers excluded by pid): shared library pages count once across them, not once each. */
export function ffmpegPssMiB(exclude: ReadonlySet<number>): number {
  let kb = 0;
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return 0; // No children at all.
  }
  for (const line of out.trim().split('\n')) {
    const [pid, comm] = line.trim().split(/\s+/);
    if (comm !== 'ffmpeg' || exclude.has(Number(pid))) continue;
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb += Number(pss?.[1] ?? 0);
    } catch {
      // The process ended meanwhile.
    }
  }
  return kb / 1024;
}
