// The one place that decides what a ref means once the facts are known, whoever gathered them
// (refs data, GraphQL, REST): tag before branch, as the Actions runner resolves names.
import { toCommitSha } from '../common/commit-sha.js';
import type { Resolution } from './types.js';
import { mostSpecificVersionTag } from './version-tags.js';

export interface RefFacts {
  readonly repo: string;
  readonly ref: string;
  /** Commit the tag `ref` peels to, when such a tag exists. */
  readonly tagCommit: string | undefined;
  /** Head commit of the branch `ref`, when such a branch exists. */
  readonly branchCommit: string | undefined;
  /** Commit the ref names as a (full or short) SHA, when it is one the repository holds. */
  readonly commit: string | undefined;
  /** Tags with the commit each peels to, as far as they are known. */
  readonly tags: readonly { readonly name: string; readonly commit: string }[];
}

export function decideResolution(facts: RefFacts): Resolution {
  if (facts.tagCommit !== undefined) return resolvedAt(facts, facts.tagCommit, 'tag', facts.branchCommit !== undefined);
  if (facts.branchCommit !== undefined) return resolvedAt(facts, facts.branchCommit, 'branch', false);
  if (facts.commit !== undefined) return resolvedAt(facts, facts.commit, 'commit', false);
  return {
    status: 'not-found',
    missing: 'ref',
    reason: `no tag, branch or commit named "${facts.ref}" in ${facts.repo}`,
  };
}

function resolvedAt(
  facts: RefFacts,
  sha: string,
  refType: 'tag' | 'branch' | 'commit',
  ambiguous: boolean,
): Resolution {
  const commit = toCommitSha(sha);
  if (!commit)
    return {
      status: 'failed',
      reason: `${facts.repo} answered "${sha}" for "${facts.ref}", which is not a commit SHA`,
    };
  const tagsOnCommit = [...new Set(facts.tags.filter((tag) => tag.commit === commit).map((tag) => tag.name))];
  // The ref itself is a tag on this commit even when the listing did not reach it.
  if (refType === 'tag' && !tagsOnCommit.includes(facts.ref)) tagsOnCommit.push(facts.ref);
  return {
    status: 'resolved',
    sha: commit,
    refType,
    tag: refType === 'branch' ? undefined : mostSpecificVersionTag(facts.ref, tagsOnCommit),
    tagsOnCommit,
    ambiguous,
  };
}
