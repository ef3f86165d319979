// Turns CLI path arguments into the files to read: a file is taken as it is (its kind from its
// name, else a workflow); a directory means its workflows and every action manifest below it.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileKindOf } from '../workflow/file-kind.js';
import type { FileKind } from '../workflow/types.js';

export interface LocalFile {
  readonly path: string;
  readonly kind: FileKind;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export async function collectFiles(paths: readonly string[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) files.push(...(await walk(path, path)));
    else files.push({ path, kind: fileKindOf(toSlashes(path)) ?? 'workflow' });
  }
  return files;
}

async function walk(root: string, dir: string): Promise<LocalFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const found: LocalFile[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) found.push(...(await walk(root, full)));
      continue;
    }
    if (!entry.isFile()) continue;
    const kind = fileKindOf(toSlashes(relative(root, full)));
    if (kind) found.push({ path: full, kind });
  }
  return found;
}

function toSlashes(path: string): string {
  return path.split(sep).join('/');
}
