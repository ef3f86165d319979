// A file's text as GitHub's GraphQL gives it (a Blob object), and how a read takes it: its text,
// or why it cannot be read (binary, over GitHub's 512,000-byte text limit).
import type { SnapshotFile } from '../plan/plan-repository.js';

export const BLOB = '... on Blob { text isBinary isTruncated byteSize }';

export interface Blob {
  readonly text: string | null;
  readonly isBinary: boolean | null;
  readonly isTruncated: boolean;
  readonly byteSize: number;
}

/** Takes a blob's text into `files`, or says in `unreadable` why it cannot. */
export function blobTaker(files: SnapshotFile[], unreadable: { path: string; reason: string }[]) {
  return (path: string, blob: Partial<Blob> | null | undefined) => {
    if (!blob || blob.isTruncated === undefined) return;
    if (blob.isBinary || blob.text === null || blob.text === undefined)
      unreadable.push({ path, reason: 'binary content' });
    else if (blob.isTruncated)
      unreadable.push({ path, reason: `larger than GitHub's 512,000-byte text limit (${blob.byteSize} bytes)` });
    else files.push({ path, text: blob.text });
  };
}
