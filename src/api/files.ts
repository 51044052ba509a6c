/** Reading files the database points at, confined to a base folder whatever the stored path says. */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The real path of `relative` inside `base` when it names a regular file there, else null: absolute
 * paths, `..` segments, NUL bytes and symbolic links that lead outside the base are all refused.
 */
export async function fileInside(base: string, relative: string): Promise<string | null> {
  if (relative === '' || relative.includes('\u0000') || path.isAbsolute(relative)) return null;
  try {
    const root = await realpath(base);
    const inside = (p: string): boolean => p.startsWith(root + path.sep);
    const candidate = path.resolve(root, relative);
    if (!inside(candidate)) return null;
    const real = await realpath(candidate);
    if (!inside(real) || !(await stat(real)).isFile()) return null;
    return real;
  } catch {
    return null;
  }
}
