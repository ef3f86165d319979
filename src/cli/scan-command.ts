// `pinwarden scan`: lists every reference and whether it is pinned; a lint gate for CI.
import { isRemoteRef } from '../workflow/parse-action-ref.js';
import type { UsesReference } from '../workflow/types.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { readLocalFiles } from './read-local-files.js';

export interface ScanOptions {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json';
}

export function isPinned(reference: UsesReference): boolean {
  const { ref } = reference;
  switch (ref.kind) {
    case 'action':
    case 'reusable-workflow':
      return ref.refKind === 'full-sha';
    case 'docker':
      return ref.digest !== undefined;
    case 'local':
      return true;
    case 'invalid':
      return false;
  }
}

export async function scanCommand(options: ScanOptions, io: CliIo): Promise<number> {
  const files = await readLocalFiles(options.paths, io.cwd);
  const report = files.map((file) =>
    file.located.ok
      ? { path: file.path, refs: file.located.references.map((reference) => ({ line: reference.site.line, uses: reference.site.value, kind: reference.ref.kind, pinned: isPinned(reference) })) }
      : { path: file.path, error: file.located.error, refs: [] },
  );
  const unpinnedRemote = files.flatMap((file) => (file.located.ok ? file.located.references : [])).filter((reference) => isRemoteRef(reference.ref) && !isPinned(reference));
  const unreadable = report.filter((file) => 'error' in file);

  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ files: report })}\n`);
  } else {
    for (const file of report) {
      io.stdout.write(`${file.path}\n`);
      if ('error' in file) io.stdout.write(`  error: ${file.error}\n`);
      for (const ref of file.refs) io.stdout.write(`  line ${String(ref.line).padEnd(5)} ${ref.kind.padEnd(17)} ${ref.pinned ? 'pinned  ' : 'UNPINNED'}  ${ref.uses}\n`);
    }
    const total = report.reduce((sum, file) => sum + file.refs.length, 0);
    io.stdout.write(`\n${report.length} files, ${total} references, ${unpinnedRemote.length} remote references not pinned to a commit SHA${unreadable.length > 0 ? `, ${unreadable.length} files could not be read` : ''}\n`);
  }
  return unpinnedRemote.length > 0 || unreadable.length > 0 ? EXIT.findings : EXIT.ok;
}
