// Reads the files a command works on and locates their references: the CLI's edge to the core.
// Files are read with the synchronous calls, one after another: a one-shot process has nothing
// else to do meanwhile, and 1,016 small files took 16-17 ms against 98-110 ms as promises
// (each an open, a stat, reads and a close on libuv's thread pool), 2026-12-05.
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { looksLikeKubernetes } from '../images/image-file-kind.js';
import type { ImageFile } from '../images/types.js';
import { ACTIONS_LOCK_PATH, parseActionsLock } from '../workflow/actions-lock.js';
import { locateAll, ONE_SHOT_MIN_BYTES } from '../parallel/locate-in-parallel.js';
import type { FileKind } from '../workflow/types.js';
import { collectFiles } from './collect-files.js';
import type { LocalImageFile } from './collect-files.js';
import { UsageError } from './io.js';
import type { LocatedWorkflowFile } from '../images/types.js';
import { appVersionOf } from '../images/chart-app-version.js';
import { PRE_COMMIT_PATH } from '../pre-commit/locate-pre-commit.js';

export interface ScannedFile {
  /** As shown to the user: relative to the working directory. */
  readonly path: string;
  /** Onboarded to the repository's actions.lock: its `uses:` are the lockfile's keys, left as they are. */
  readonly locked?: boolean;
  readonly absolutePath: string;
  readonly kind: FileKind;
  readonly text: string;
  readonly located: LocatedWorkflowFile;
}

/** No workflow comes near this; a larger file is reported, not read into memory. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface LocalLockfile {
  readonly path: string;
  readonly text: string;
}

/** A file that names images (besides workflows and actions), as read. */
export interface LocalImageText extends ImageFile {
  readonly absolutePath: string;
}

export async function readLocalFiles(
  paths: readonly string[],
  cwd: string,
): Promise<{
  files: ScannedFile[];
  imageFiles: LocalImageText[];
  notes: string[];
  lockfiles: LocalLockfile[];
  preCommits: (LocalLockfile & { readonly absolutePath: string })[];
}> {
  const absolute = (paths.length > 0 ? paths : ['.']).map((path) => resolve(cwd, path));
  let collected;
  try {
    collected = collectFiles(absolute);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${(error as NodeJS.ErrnoException).path ?? 'path'}: ${(error as Error).message}`);
  }
  const imageReads = collected.imageFiles.map((file) => readImageFile(file, cwd, collected.notes));
  // YAML named on the command line that is not a manifest is a workflow, as before images were read.
  const asWorkflows = collected.imageFiles
    .filter((file, index) => imageReads[index] === undefined && file.explicit && file.kind === 'maybe-kubernetes')
    .map((file) => ({ path: file.path, kind: 'workflow' as const }));
  const imageFiles = imageReads.filter((file): file is LocalImageText => file !== undefined);
  const texts = [...collected.files, ...asWorkflows].map((file) => {
    const shown = relative(cwd, file.path) || file.path;
    return { path: shown, absolutePath: file.path, kind: file.kind, text: readBounded(file.path) };
  });
  // Every file read first, then located together: a large batch goes to worker threads (large for
  // a process that starts them cold and exits: ONE_SHOT_MIN_BYTES).
  const readable = texts.flatMap((file) => (file.text === undefined ? [] : [{ text: file.text, kind: file.kind }]));
  const located = await locateAll(readable, { minBytes: ONE_SHOT_MIN_BYTES });
  let next = 0;
  const files = texts.map((file): ScannedFile => {
    if (file.text === undefined)
      return { ...file, text: '', located: { ok: false, error: whyUnread(file.absolutePath) } };
    return { ...file, text: file.text, located: located[next++]! };
  });
  // GitHub's workflow lockfile of each repository given: the workflows it lists are marked locked.
  const lockfiles: LocalLockfile[] = [];
  for (const root of absolute) {
    const lockPath = join(root, ...ACTIONS_LOCK_PATH.split('/'));
    const text = readIfThere(lockPath);
    if (text === undefined) continue;
    lockfiles.push({ path: relative(cwd, lockPath) || lockPath, text });
    const lock = parseActionsLock(text);
    for (const [index, file] of files.entries()) {
      const inRepository = relative(root, file.absolutePath).split(sep).join('/');
      if (file.kind === 'workflow' && !inRepository.startsWith('..') && lock.ok && lock.workflows.has(inRepository))
        files[index] = { ...file, locked: true };
    }
  }
  // pre-commit's config of each repository given: its hooks' revs are frozen with the actions.
  const preCommits = absolute.flatMap((root) => {
    const configPath = join(root, PRE_COMMIT_PATH);
    const text = readIfThere(configPath);
    return text === undefined
      ? []
      : [{ path: relative(cwd, configPath) || configPath, absolutePath: configPath, text }];
  });
  return { files, imageFiles, notes: collected.notes, lockfiles, preCommits };
}

/** The file's text, or undefined when it is larger than MAX_FILE_BYTES (not read into memory). */
/**
 * A regular file's text, read to at most MAX_FILE_BYTES; undefined for a larger one, and for
 * anything that is not a regular file (`/dev/zero` never ends, a FIFO blocks until a writer comes).
 * The read itself is bounded too: a file that grows after its size was read is not read past it.
 */
function readBounded(path: string): string | undefined {
  const stats = statSync(path);
  if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
  const fd = openSync(path, 'r');
  try {
    // Room for what stat said plus one byte, to see a file that grew since; grown (doubling, never
    // past the bound) only if it did. A buffer the size of the bound for every file zero-filled
    // 5 MiB a file: 5 GB for the corpus's 1,016 files, most of `pin`'s time (2026-12-07).
    let buffer = Buffer.allocUnsafe(Math.min(stats.size + 1, MAX_FILE_BYTES + 1));
    let length = 0;
    for (;;) {
      const asked = buffer.length - length;
      const read = readSync(fd, buffer, length, asked, null);
      length += read;
      // A regular file reads short only at its end: no second call to hear it say 0.
      if (read < asked || length > MAX_FILE_BYTES) break;
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, MAX_FILE_BYTES + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
    }
    return length > MAX_FILE_BYTES ? undefined : buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Why a file was not read: too large, or not a regular file. */
function whyUnread(path: string): string {
  try {
    return statSync(path).isFile()
      ? `larger than ${MAX_FILE_BYTES} bytes; not read`
      : 'not a regular file (a device, a pipe or a socket); not read';
  } catch (error) {
    return `cannot be read: ${(error as Error).message}`;
  }
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readImageFile(file: LocalImageFile, cwd: string, notes: string[]): LocalImageText | undefined {
  const shown = relative(cwd, file.path) || file.path;
  const text = readBounded(file.path);
  if (text === undefined) {
    notes.push(`${shown}: ${whyUnread(file.path).replace(/; not read$/, '')}; its images were not read`);
    return undefined;
  }
  if (file.kind === 'maybe-kubernetes')
    return looksLikeKubernetes(text) ? { path: shown, absolutePath: file.path, kind: 'kubernetes', text } : undefined;
  const templates =
    file.kind === 'helm-values' && file.chartDir !== undefined ? chartTemplates(file.chartDir) : undefined;
  const appVersion =
    file.kind === 'helm-values' && file.chartDir !== undefined
      ? appVersionOf(readBounded(join(file.chartDir, 'Chart.yaml')))
      : undefined;
  return {
    path: shown,
    absolutePath: file.path,
    kind: file.kind,
    text,
    ...(templates ? { templates } : {}),
    ...(appVersion !== undefined ? { appVersion } : {}),
  };
}

/** The texts of a chart's templates (its `templates/` folder, helpers included), bounded. */
function chartTemplates(chartDir: string): string[] {
  const dir = join(chartDir, 'templates');
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    // No templates folder: the values alone.
  }
  const texts: string[] = [];
  for (const entry of entries.slice(0, 500)) {
    if (!entry.isFile() || !/\.(?:ya?ml|tpl|txt)$/.test(entry.name)) continue;
    const text = readBounded(join(entry.parentPath, entry.name));
    if (text !== undefined) texts.push(text);
  }
  return texts;
}
