// Runs in a worker thread: locates the `uses:` and images of a chunk of files (see locate-in-parallel.ts).
import { locateWorkflowFile } from '../workflow/locate-workflow-file.js';
import type { FileKind, LocateResult } from '../workflow/types.js';

export interface LocateTask {
  readonly files: readonly { readonly text: string; readonly kind: FileKind }[];
}

export default function locateChunk(task: LocateTask): LocateResult[] {
  return task.files.map((file) => locateWorkflowFile(file.text, file.kind));
}
