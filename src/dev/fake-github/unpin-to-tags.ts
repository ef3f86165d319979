// Turns verified `@<sha> # <tag>` pins back into `@<tag>`, giving tests and benchmarks real
// files with real work whose correct answer is known: the bytes they started from.
import type { RepoRefs } from '../../resolve/repo-refs.js';
import { applyEdits } from '../../rewrite/apply-edits.js';
import { quoteValue } from '../../rewrite/format-pin.js';
import type { TextEdit } from '../../rewrite/types.js';
import { formatRemoteRef } from '../../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../../workflow/types.js';

export interface VerifiablePin {
  readonly reference: UsesReference;
  readonly ref: RemoteRef;
  /** The comment's first word: a tag the refs data says points at the pinned commit. */
  readonly tag: string;
  readonly tagsOnCommit: readonly string[];
}

export function findVerifiablePins(
  references: readonly UsesReference[],
  refsByRepo: ReadonlyMap<string, RepoRefs>,
): VerifiablePin[] {
  return references.flatMap((reference) => {
    const { site, ref } = reference;
    if ((ref.kind !== 'action' && ref.kind !== 'reusable-workflow') || ref.refKind !== 'full-sha' || !site.comment)
      return [];
    const tag = site.comment.text.replace(/^#+/, '').trim().split(/\s+/)[0] ?? '';
    const repo = refsByRepo.get(`${ref.owner}/${ref.repo}`.toLowerCase());
    const entry = repo?.tags.find((candidate) => candidate.name === tag);
    if (!repo || !entry || entry.sha !== ref.ref) return [];
    const tagsOnCommit = repo.tags.filter((candidate) => candidate.sha === ref.ref).map((candidate) => candidate.name);
    return [{ reference, ref, tag, tagsOnCommit }];
  });
}

/** `@<sha>` → `@<tag>`; with `dropComment`, the rest of the line after the value goes too. */
export function unpinToTags(
  text: string,
  pins: readonly VerifiablePin[],
  options: { readonly dropComment: boolean },
): string {
  const edits: TextEdit[] = pins.flatMap(({ reference: { site }, ref, tag }) => [
    {
      start: site.valueStart,
      end: site.valueEnd,
      text: quoteValue(formatRemoteRef(ref, tag), site.quote === 'block' ? 'plain' : site.quote),
    },
    ...(options.dropComment ? [{ start: site.valueEnd, end: site.lineEnd, text: '' }] : []),
  ]);
  return applyEdits(text, edits);
}
