// An install wave's files located once for every use: the audit's warm-up of the whole wave, and
// each repository's run, which then parses nothing again.
import type { SnapshotFile } from '../plan/plan-repository.js';
import type { AuditedFile } from '../audit/audit-files.js';
import type { RepositoryRead } from '../github/read-repository.js';
import { locateAll } from '../parallel/locate-in-parallel.js';
import { fileKindOf } from '../workflow/file-kind.js';
import type { FileKind } from '../workflow/types.js';

/**
 * The workflow and action files of a whole install wave, located, as the audit reads them (the
 * wave's warm-up): those not located yet are located together, a large batch on worker threads,
 * each distinct text once.
 */
export async function auditedWaveFiles(repositories: readonly (readonly SnapshotFile[])[]): Promise<AuditedFile[][]> {
  const ofKind = repositories.map((files) =>
    files.flatMap((file) => {
      const kind = fileKindOf(file.path);
      return kind ? [{ file, kind }] : [];
    }),
  );
  const pending = ofKind.flat().filter(({ file }) => !file.located);
  // An organisation's repositories share workflow templates: each distinct text is located once,
  // and its answer (plain data, never changed) is every copy's.
  const distinct = new Map<string, number>();
  const jobs: { text: string; kind: FileKind }[] = [];
  const slot = pending.map(({ file, kind }) => {
    const key = `${kind}\0${file.text}`;
    if (!distinct.has(key)) {
      distinct.set(key, jobs.length);
      jobs.push({ text: file.text, kind });
    }
    return distinct.get(key)!;
  });
  // On the workers alone: this thread is the App's, busy with the runs of the waves before.
  const results = await locateAll(jobs, { thisThread: false });
  const located = new Map(pending.map(({ file }, index) => [file, results[slot[index]!]!]));
  return ofKind.map((entries) =>
    entries.map(({ file }): AuditedFile => ({
      path: file.path,
      text: file.text,
      located: file.located ?? located.get(file)!,
    })),
  );
}

/** The read with each file's `uses:` as `audited` located them, so its run does not parse them again. */
export function withLocated(read: RepositoryRead, audited: readonly AuditedFile[]): RepositoryRead {
  if (read.status !== 'read') return read;
  const byPath = new Map(audited.map((file) => [file.path, file]));
  return {
    ...read,
    files: read.files.map((file) => {
      const found = byPath.get(file.path);
      return found && found.text === file.text ? { ...file, located: found.located } : file;
    }),
  };
}
