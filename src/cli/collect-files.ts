// Turns CLI path arguments into the files to read: a file is taken as it is (its kind from its
// name, else a workflow); a directory means its workflows, every action manifest below it, and
// every file that names container images (Dockerfiles, compose files, Kubernetes manifests, a
// chart's values files, kustomization.yaml), skipping .git, node_modules and vendor.
// A path that holds no such file is a usage error (a typo must not pass a CI gate as "0 files"),
// and a symbolic link that leads back into the walk is said, not followed for ever.
// Walked with the synchronous calls, as the files are read (read-local-files.ts): a one-shot
// process has nothing else to do meanwhile, and each awaited directory left it idle.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { imageFileKindByPath, imagePathsAmong, SKIPPED_FOLDERS } from '../images/image-file-kind.js';
import type { ImageFileKind } from '../images/types.js';
import { fileKindOf } from '../workflow/file-kind.js';
import type { FileKind } from '../workflow/types.js';
import { UsageError } from './io.js';
import { codeUnitOrder } from '../common/code-unit-order.js';

export interface LocalFile {
  readonly path: string;
  readonly kind: FileKind;
}

/** A file that may name images; `maybe-kubernetes` YAML is decided by its text. */
export interface LocalImageFile {
  readonly path: string;
  readonly kind: Exclude<ImageFileKind, 'workflow' | 'action'> | 'maybe-kubernetes';
  /** The folder of the chart a values file belongs to. */
  readonly chartDir?: string;
  /** Named on the command line: YAML that is not a manifest is then read as a workflow. */
  readonly explicit?: boolean;
}

export interface CollectedFiles {
  readonly files: LocalFile[];
  readonly imageFiles: LocalImageFile[];
  /** Things the walk skipped and why (symbolic link loops). */
  readonly notes: string[];
}

export function collectFiles(paths: readonly string[]): CollectedFiles {
  const files: LocalFile[] = [];
  const imageFiles: LocalImageFile[] = [];
  const notes: string[] = [];
  for (const path of paths) {
    const info = statSync(path);
    if (!info.isDirectory()) {
      const name = toSlashes(path);
      const kind = fileKindOf(name);
      const imageKind = kind ? undefined : imageFileKindByPath(name.slice(name.lastIndexOf('/') + 1), new Set());
      // Named on the command line: a workflow unless its name or (YAML) its text says it holds images.
      if (imageKind !== undefined && imageKind !== 'workflow' && imageKind !== 'action')
        imageFiles.push({ path, kind: imageKind, explicit: true });
      else files.push({ path, kind: kind ?? 'workflow' });
      continue;
    }
    const found = walk(path, new Set([realpathSync.native(path)]), notes);
    const relativePaths = found.map((file) => toSlashes(relative(path, file)));
    const before = files.length + imageFiles.length;
    const actionPaths = new Set<string>();
    for (const [index, full] of found.entries()) {
      // Relative to the path given, else as the full path says (`scan .github/workflows` works too).
      const kind = fileKindOf(relativePaths[index]!) ?? fileKindOf(toSlashes(full));
      if (!kind) continue;
      files.push({ path: full, kind });
      actionPaths.add(relativePaths[index]!);
    }
    for (const image of imagePathsAmong(relativePaths.filter((relativePath) => !actionPaths.has(relativePath)))) {
      imageFiles.push({
        path: join(path, image.path),
        kind: image.kind,
        ...(image.chartDir !== undefined ? { chartDir: join(path, image.chartDir) } : {}),
      });
    }
    if (files.length + imageFiles.length === before)
      throw new UsageError(
        `no workflow, action or image file under ${path} (workflows are read from .github/workflows/*.yml|yaml, actions from action.yml|yaml, images from Dockerfiles, compose files, Kubernetes manifests, chart values and kustomization.yaml)`,
      );
  }
  return { files, imageFiles, notes };
}

/** Every regular file below `dir` (full paths), skipped folders and symbolic-link loops aside. */
function walk(dir: string, ancestors: ReadonlySet<string>, notes: string[]): string[] {
  // In the order Git lists a tree, whatever the machine's locale.
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => codeUnitOrder(a.name, b.name));
  const found: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      let target;
      try {
        target = statSync(full);
      } catch (error) {
        notes.push(
          `${full}: skipped, the symbolic link ${(error as NodeJS.ErrnoException).code === 'ELOOP' ? 'loops' : 'leads nowhere'}`,
        );
        continue;
      }
      isDirectory = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDirectory) {
      if (SKIPPED_FOLDERS.has(entry.name)) continue;
      // The C library's realpath: one call, where Node's walks the path's every part with lstat
      // (11 ms of the 345 folders of four copies of the corpus).
      const real = realpathSync.native(full);
      if (ancestors.has(real)) {
        notes.push(`${full}: skipped, a symbolic link back to ${real} (a loop)`);
        continue;
      }
      found.push(...walk(full, new Set([...ancestors, real]), notes));
      continue;
    }
    if (isFile) found.push(full);
  }
  return found;
}

function toSlashes(path: string): string {
  return path.split(sep).join('/');
}
