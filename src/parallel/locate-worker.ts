// Runs in a worker thread: locates the `uses:` and images of a chunk of files (see locate-in-parallel.ts).
import { locateWorkflowFile } from '../images/locate-workflow-file.js';
import type { FileKind } from '../workflow/types.js';
import type { LocatedWorkflowFile } from '../images/types.js';

export interface LocateTask {
  readonly files: readonly { readonly text: string; readonly kind: FileKind }[];
}

export default function locateChunk(task: LocateTask): LocatedWorkflowFile[] {
  return task.files.map((file) => locateWorkflowFile(file.text, file.kind));
}
