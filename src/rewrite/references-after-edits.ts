// The `uses:` of a rewritten file without parsing it again. Edits proved safe (safe-edits.ts)
// add no line breaks and touch one site per line, so each site of the new text is the old site
// moved by the edits before it; a pinned value holds what was written, its comment is read off
// the new line. Held equal to locating the new text by the corpus and unit tests.
import { endOfContent } from '../yaml/scalar-site.js';
import type { ScalarSite } from '../yaml/scalar-site.js';
import { parseActionRef } from '../workflow/parse-action-ref.js';
import type { UsesReference, UsesSite } from '../workflow/types.js';
import type { SiteEdit } from './safe-edits.js';
import type { TextEdit } from './types.js';

export function referencesAfterEdits(
  updated: string,
  references: readonly UsesReference[],
  changes: readonly SiteEdit[],
): UsesReference[] {
  const at = offsetShifter(changes.flatMap((change) => change.edits).toSorted((a, b) => a.start - b.start));
  const bySite = new Map(changes.map((change) => [change.site.valueStart, change]));
  return references.map(({ site, ref }) => {
    const moved = moveSite(site, at);
    const change = bySite.get(site.valueStart);
    if (!change) return { site: moved, ref };
    const valueEdit = change.edits.find((edit) => edit.start === site.valueStart && edit.end === site.valueEnd);
    const valueEnd = valueEdit ? moved.valueStart + valueEdit.text.length : moved.valueEnd;
    const hash = updated.indexOf('#', valueEnd);
    const comment =
      hash >= 0 && hash < moved.lineEnd ? { start: hash, text: updated.slice(hash, moved.lineEnd) } : undefined;
    const { comment: _old, ...rest } = moved;
    const site2: UsesSite = {
      ...rest,
      ...(change.after !== undefined ? { value: change.after } : {}),
      valueEnd,
      contentEnd: endOfContent(updated, valueEnd, moved.lineEnd),
      ...(comment ? { comment } : {}),
    };
    return { site: site2, ref: change.after !== undefined ? parseActionRef(change.after) : ref };
  });
}

/** A site's offsets after the edits: each moves by what the edits ending at or before it added or removed. */
export function moveSite<Site extends ScalarSite>(site: Site, at: (offset: number) => number): Site {
  return {
    ...site,
    valueStart: at(site.valueStart),
    nodeStart: at(site.nodeStart),
    valueEnd: at(site.valueEnd),
    lineEnd: at(site.lineEnd),
    contentEnd: at(site.contentEnd),
    ...(site.comment ? { comment: { start: at(site.comment.start), text: site.comment.text } } : {}),
  };
}

/**
 * Where an offset of the old text lands in the new (edits sorted by start): plus what every edit ending at or before it
 * added or removed. Binary search over the edits' ends with running totals, so a file of n sites
 * costs n log n, not n² (a 20,000-step workflow has 40,000 edits).
 */
export function offsetShifter(edits: readonly TextEdit[]): (offset: number) => number {
  const ends = edits.map((edit) => edit.end);
  const totals = [0];
  for (const edit of edits) totals.push(totals.at(-1)! + edit.text.length - (edit.end - edit.start));
  return (offset) => {
    let low = 0;
    let high = ends.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ends[middle]! <= offset) low = middle + 1;
      else high = middle;
    }
    return offset + totals[low]!;
  };
}
