// `uses: o/r@<sha> # v1.2.3`: does the comment still tell the truth? A full release tag that now
// names another commit means the release was rewritten (the trivy-action pattern): high. A major
// or minor tag that moved on is normal: the comment is repaired to the most specific tag on the
// pinned commit, the form Dependabot updates. A comment naming a tag that is gone, or another
// commit altogether, is corrected too; a gone tag whose `v`-prefixed twin names the commit (as
// trivy-action re-created `0.33.1` as `v0.33.1`) is named. Plain function over resolutions.
import { memoByString } from '../common/string-memo.js';
import type { Resolution } from '../resolve/types.js';
import { mostSpecificVersionTag, twinOf } from '../resolve/version-tags.js';
import { repositoryOf } from '../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../workflow/types.js';
import type { Finding } from './types.js';

const FULL_RELEASE = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
const VERSION_WORD = /^v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]+)?$/;

/** The version a pinned line's comment names (`# v1.2.3 …`, `# tag=v1.2.3`), if it names one. */
export function commentVersion(reference: UsesReference): string | undefined {
  const comment = reference.site.comment;
  return comment ? versionInComment(comment.text) : undefined;
}

// Remembered: most comments of an organisation are the same few (`# v4.2.2`).
const versionInComment = memoByString((comment: string): string | undefined => {
  const text = comment.replace(/^#+/, '').trim();
  const word = text.replace(/^(?:tag|version|ver)\s*[:=]\s*/i, '').split(/\s+/)[0] ?? '';
  return VERSION_WORD.test(word) ? word : undefined;
});

export function checkVersionComment(
  path: string,
  reference: UsesReference,
  lookup: { pinned: Resolution | undefined; named: Resolution | undefined; twin: Resolution | undefined },
): Finding[] {
  const { site } = reference;
  const ref = reference.ref as RemoteRef;
  const named = commentVersion(reference);
  if (ref.refKind !== 'full-sha' || named === undefined) return [];
  const pinned = ref.ref;
  const repository = repositoryOf(ref);
  const tagsOnPin = lookup.pinned?.status === 'resolved' ? lookup.pinned.tagsOnCommit : [];
  const best = mostSpecificVersionTag(named, tagsOnPin) ?? mostSpecificVersionTag(tagsOnPin[0] ?? '', tagsOnPin);
  const at = { path, line: site.line, uses: site.value };
  const fix = best ? { fix: `# ${best}` } : {};
  const now = lookup.named;
  if (now?.status === 'resolved') {
    if (now.sha === pinned) return [];
    if (FULL_RELEASE.test(named) && now.refType === 'tag') {
      return [
        {
          ...at,
          check: 'tag-moved',
          severity: 'high',
          message: `the release tag ${named} of ${repository} now names ${now.sha}, not the pinned ${pinned}: the release was rewritten. Find out which commit is genuine before trusting either (compare them on GitHub); keep the pin until then.`,
          evidence: {
            repository,
            tag: named,
            pinned,
            tagNow: now.sha,
            compare: `https://github.com/${repository}/compare/${pinned}...${now.sha}`,
            ...fix,
          },
        },
      ];
    }
    if (best && tagsOnPin.includes(best)) {
      return [
        {
          ...at,
          check: 'comment-mismatch',
          severity: 'info',
          message: `${named} has moved on since this pin (normal for a ${now.refType === 'branch' ? 'branch' : 'major or minor tag'}); the pinned commit is ${best}, which the comment should name.`,
          evidence: { repository, named, pinned, namedNow: now.sha, ...fix },
        },
      ];
    }
    return [
      {
        ...at,
        check: 'comment-mismatch',
        severity: 'low',
        message: `the comment names ${named}, which is ${now.sha} in ${repository}, and no tag names the pinned ${pinned}: the comment does not describe this pin.`,
        evidence: { repository, named, pinned, namedNow: now.sha },
      },
    ];
  }
  const twin = lookup.twin;
  if (twin?.status === 'resolved' && twin.sha === pinned) {
    return [
      {
        ...at,
        check: 'comment-mismatch',
        severity: 'low',
        message: `the tag ${named} no longer exists in ${repository}; its twin ${twinOf(named)} names the pinned commit.`,
        evidence: { repository, named, twin: twinOf(named), pinned, fix: `# ${twinOf(named)}` },
      },
    ];
  }
  if (now?.status === 'not-found') {
    return [
      {
        ...at,
        check: 'comment-mismatch',
        severity: 'low',
        message: `the tag ${named} does not exist in ${repository}${twin?.status === 'resolved' ? ` (its twin ${twinOf(named)} names ${twin.sha}, not this pin)` : ''}${best ? `; the pinned commit is ${best}` : ''}.`,
        evidence: { repository, named, pinned, ...fix },
      },
    ];
  }
  return [];
}
