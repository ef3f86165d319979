// Splices edits into the original text by offset; every byte outside them stays as it was.
import type { TextEdit } from './types.js';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits.toSorted((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let cursor = 0;
  for (const edit of ordered) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > text.length) {
      throw new Error(
        `applyEdits: edit [${edit.start}, ${edit.end}) overlaps or leaves the text (cursor ${cursor}, length ${text.length})`,
      );
    }
    parts.push(text.slice(cursor, edit.start), edit.text);
    cursor = edit.end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}
