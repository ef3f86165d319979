// Turns CLI path arguments into the files to read: a file is taken as it is (its kind from its
// name, else a workflow); a directory means its workflows and every action manifest below it.
// A path that holds no such file is a usage error (a typo must not pass a CI gate as "0 files"),
// and a symbolic link that leads back into the walk is said, not followed for ever.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileKindOf } from '../workflow/file-kind.js';
import type { FileKind } from '../workflow/types.js';
import { UsageError } from './io.js';

export interface LocalFile {
  readonly path: string;
  readonly kind: FileKind;
}

export interface CollectedFiles {
  readonly files: LocalFile[];
  /** Things the walk skipped and why (symbolic link loops). */
  readonly notes: string[];
}

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export async function collectFiles(paths: readonly string[]): Promise<CollectedFiles> {
  const files: LocalFile[] = [];
  const notes: string[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (!info.isDirectory()) {
      files.push({ path, kind: fileKindOf(toSlashes(path)) ?? 'workflow' });
      continue;
    }
    const found = await walk(path, path, new Set([await realpath(path)]), notes);
    if (found.length === 0) throw new UsageError(`no workflow or action file under ${path} (workflows are read from .github/workflows/*.yml|yaml, actions from action.yml|yaml)`);
    files.push(...found);
  }
  return { files, notes };
}

async function walk(root: string, dir: string, ancestors: ReadonlySet<string>, notes: string[]): Promise<LocalFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const found: LocalFile[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(full).catch((error: NodeJS.ErrnoException) => error);
      if (target instanceof Error) {
        notes.push(`${full}: skipped, the symbolic link ${target.code === 'ELOOP' ? 'loops' : 'leads nowhere'}`);
        continue;
      }
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDirectory) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const real = await realpath(full);
      if (ancestors.has(real)) {
        notes.push(`${full}: skipped, a symbolic link back to ${real} (a loop)`);
        continue;
      }
      found.push(...(await walk(root, full, new Set([...ancestors, real]), notes)));
      continue;
    }
    if (!isFile) continue;
    // Relative to the path given, else as the full path says (`scan .github/workflows` works too).
    const kind = fileKindOf(toSlashes(relative(root, full))) ?? fileKindOf(toSlashes(full));
    if (kind) found.push({ path: full, kind });
  }
  return found;
}

function toSlashes(path: string): string {
  return path.split(sep).join('/');
}
