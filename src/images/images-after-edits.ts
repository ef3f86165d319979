// A workflow's images after its `uses:` were pinned, without parsing it again: edits proved safe
// (rewrite/safe-edits.ts) add no line breaks, so an image on a line no edit touches is the same
// image, its offsets moved by the edits before it. An image on an edited line, or one without a
// scalar to move (a block scalar), gives undefined: the caller then reads the new text. Held
// equal to reading the new text by the corpus and unit tests.
import { moveSite, offsetShifter } from '../rewrite/references-after-edits.js';
import type { TextEdit } from '../rewrite/types.js';
import type { LocatedImage } from './types.js';

/** `edits` sorted by start, as `rewriteFile` gives them. */
export function imagesAfterEdits(
  images: readonly LocatedImage[],
  edits: readonly TextEdit[],
): LocatedImage[] | undefined {
  const at = offsetShifter(edits);
  const moved: LocatedImage[] = [];
  for (const image of images) {
    const edit = image.site.edit;
    if (edit?.how !== 'scalar') return undefined;
    // From the start of the value's line (or of a block scalar's `|`) to the end of its last line.
    const from = Math.min(edit.site.nodeStart, edit.site.valueStart - (edit.site.column - 1));
    if (edits.some((change) => change.start <= edit.site.lineEnd && change.end >= from)) return undefined;
    const site = moveSite(edit.site, at);
    moved.push({
      ...image,
      site: { ...image.site, edit: { ...edit, site }, ...(site.comment ? { comment: site.comment } : {}) },
    });
  }
  return moved;
}
