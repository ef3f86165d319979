// Impostor commits: GitHub serves any commit of a repository's fork network under the
// repository's name, so `uses: actions/checkout@<sha>` can run a commit that exists only in an
// attacker's fork (tj-actions' 0e58ed86 was one). A pinned SHA that a tag names needs no
// question; the others are asked in batches (default branch and the comment's tag).
import type { Resolution } from '../resolve/types.js';
import { repositoryOf } from '../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../workflow/types.js';
import type { Reachability, ReachabilityQuestion } from './audit-facts.js';
import type { Finding } from './types.js';
import { commentVersion } from './version-comment.js';

/** The question to ask about a SHA pin, or undefined when its answer is already known. */
export function reachabilityQuestion(
  reference: UsesReference,
  resolution: Resolution | undefined,
): ReachabilityQuestion | undefined {
  const ref = reference.ref as RemoteRef;
  if (ref.refKind !== 'full-sha') return undefined;
  // A commit GitHub does not know is reported as such by the pinning; a tag names it: in the history.
  if (resolution?.status !== 'resolved' || resolution.tagsOnCommit.length > 0) return undefined;
  const tag = commentVersion(reference);
  return { owner: ref.owner, repo: ref.repo, sha: ref.ref, ...(tag ? { tag } : {}) };
}

export function checkImpostor(
  path: string,
  reference: UsesReference,
  reachability: Reachability | undefined,
): Finding[] {
  if (reachability !== 'impostor') return [];
  const ref = reference.ref as RemoteRef;
  return [
    {
      path,
      line: reference.site.line,
      uses: reference.site.value,
      check: 'impostor-commit',
      severity: 'high',
      message: `the pinned commit ${ref.ref} is not in the history of ${repositoryOf(ref)}'s default branch${commentVersion(reference) ? ` or of ${commentVersion(reference)}` : ''}, and no tag names it: it may exist only in a fork, which GitHub serves under the same name. Pin a commit of a release instead.`,
      evidence: {
        repository: repositoryOf(ref),
        commit: ref.ref,
        link: `https://github.com/${repositoryOf(ref)}/commit/${ref.ref}`,
      },
    },
  ];
}
