// Reads the files a command works on and locates their references: the CLI's edge to the core.
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { FileKind, UsesReference } from '../workflow/types.js';
import { collectFiles } from './collect-files.js';
import { UsageError } from './io.js';

export interface ScannedFile {
  /** As shown to the user: relative to the working directory. */
  readonly path: string;
  readonly absolutePath: string;
  readonly kind: FileKind;
  readonly text: string;
  readonly located: { readonly ok: true; readonly references: readonly UsesReference[] } | { readonly ok: false; readonly error: string };
}

export async function readLocalFiles(paths: readonly string[], cwd: string): Promise<ScannedFile[]> {
  const absolute = (paths.length > 0 ? paths : ['.']).map((path) => resolve(cwd, path));
  let files;
  try {
    files = await collectFiles(absolute);
  } catch (error) {
    throw new UsageError(`cannot read ${(error as NodeJS.ErrnoException).path ?? 'path'}: ${(error as Error).message}`);
  }
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(file.path, 'utf8');
      return { path: relative(cwd, file.path) || file.path, absolutePath: file.path, kind: file.kind, text, located: locateUsesSites(text, file.kind) };
    }),
  );
}
