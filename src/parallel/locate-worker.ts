// Runs in a worker thread: locates the `uses:` of a chunk of files (see locate-in-parallel.ts).
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { FileKind, LocateResult } from '../workflow/types.js';

export interface LocateTask {
  readonly files: readonly { readonly text: string; readonly kind: FileKind }[];
}

export default function locateChunk(task: LocateTask): LocateResult[] {
  return task.files.map((file) => locateUsesSites(file.text, file.kind));
}
