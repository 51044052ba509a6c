/**
 * Child processes tied to the life of this one. A server killed with SIGKILL cannot stop its ffmpeg
 * processes, and an ffmpeg whose output pipe is gone may go on recording forever (Node leaves
 * SIGPIPE ignored in its children). On Linux, util-linux's `setpriv --pdeathsig TERM` makes the
 * kernel send SIGTERM to the child when its parent dies, so it finishes cleanly on its own.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const SETPRIV = '/usr/bin/setpriv';
let launcher: string | null | undefined;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `bin` (a path, or a name looked up in PATH) names an executable file. */
export function findsExecutable(bin: string, envPath: string = process.env.PATH ?? ''): boolean {
  if (bin.includes('/')) return executable(bin);
  return envPath.split(path.delimiter).some((dir) => dir !== '' && executable(path.join(dir, bin)));
}

/**
 * Spawns `bin` like `child_process.spawn`, tied to this process where the platform allows it. A
 * missing `bin` is spawned directly, so the caller still gets the usual ENOENT error.
 */
export function spawnTied(bin: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  launcher ??= process.platform === 'linux' && executable(SETPRIV) ? SETPRIV : null;
  if (launcher === null || !findsExecutable(bin)) return spawn(bin, [...args], options);
  return spawn(launcher, ['--pdeathsig', 'TERM', '--', bin, ...args], options);
}
