// Decides the text of a pinned value and of the comment that names its version, so that the
// line reads `uses: owner/repo@<sha> # v4.2.2` and Dependabot can keep both current.
import type { QuoteStyle } from '../workflow/types.js';

export function quoteValue(value: string, quote: QuoteStyle): string {
  switch (quote) {
    case 'single':
      return `'${value.replaceAll("'", "''")}'`;
    case 'double':
      return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    case 'plain':
      return value;
  }
}

const VERSION_LIKE = /^v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]+)?$/;

export type CommentDecision = { readonly kind: 'keep' } | { readonly kind: 'write'; readonly text: string };

/**
 * An existing comment that already names a tag on the pinned commit is kept byte for byte (a
 * bare vaguer tag, `# v3`, gives way to the label); one that names a stale version has that word
 * replaced; any other comment keeps its words after the version, so nothing the author wrote is lost.
 */
export function decideComment(input: {
  readonly existing: string | undefined;
  readonly label: string;
  readonly tagsOnCommit: readonly string[];
}): CommentDecision {
  const { existing, label, tagsOnCommit } = input;
  if (existing === undefined) return { kind: 'write', text: `# ${label}` };
  const body = existing.replace(/^#+/, '').trim();
  const [first = '', ...rest] = body.split(/\s+/);
  // Another tag on the same commit is kept only when it says as much as the label does
  // (`1.2.3` beside `v1.2.3`); a vaguer one (`v3` where the table says v3.1.6) gives way.
  if (first === label || (tagsOnCommit.includes(first) && specificity(first) >= specificity(label)))
    return { kind: 'keep' };
  // The author's sentence about a tag that does name this commit (`# v3 is both a tag and a branch
  // there`) stays theirs: put another version in it and it says something false.
  if (tagsOnCommit.includes(first) && rest.length > 0) return { kind: 'keep' };
  const words = VERSION_LIKE.test(first) ? rest : [first, ...rest].filter((word) => word !== '');
  return { kind: 'write', text: ['#', label, ...words].join(' ') };
}

/** How many version parts a tag names: `v3` 1, `v3.1.6` 3; not a version: 0. */
function specificity(tag: string): number {
  return VERSION_LIKE.test(tag) ? tag.replace(/^v/, '').split(/[-+]/)[0]!.split('.').length : 0;
}
