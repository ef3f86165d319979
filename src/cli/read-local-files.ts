// Reads the files a command works on and locates their references: the CLI's edge to the core.
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { FileKind, LocateResult } from '../workflow/types.js';
import { collectFiles } from './collect-files.js';
import { UsageError } from './io.js';

export interface ScannedFile {
  /** As shown to the user: relative to the working directory. */
  readonly path: string;
  readonly absolutePath: string;
  readonly kind: FileKind;
  readonly text: string;
  readonly located: LocateResult;
}

/** No workflow comes near this; a larger file is reported, not read into memory. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export async function readLocalFiles(paths: readonly string[], cwd: string): Promise<{ files: ScannedFile[]; notes: string[] }> {
  const absolute = (paths.length > 0 ? paths : ['.']).map((path) => resolve(cwd, path));
  let collected;
  try {
    collected = await collectFiles(absolute);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${(error as NodeJS.ErrnoException).path ?? 'path'}: ${(error as Error).message}`);
  }
  const files = await Promise.all(
    collected.files.map(async (file): Promise<ScannedFile> => {
      const shown = relative(cwd, file.path) || file.path;
      const { size } = await stat(file.path);
      if (size > MAX_FILE_BYTES) return { path: shown, absolutePath: file.path, kind: file.kind, text: '', located: { ok: false, error: `larger than ${MAX_FILE_BYTES} bytes; not read` } };
      const text = await readFile(file.path, 'utf8');
      return { path: shown, absolutePath: file.path, kind: file.kind, text, located: locateUsesSites(text, file.kind) };
    }),
  );
  return { files, notes: collected.notes };
}
