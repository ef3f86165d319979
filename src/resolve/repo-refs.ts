// The refs of one repository as plain data (the schema of ../shared/corpus/refs), and the
// decision "which commit does this ref mean" made on it, the way the Actions runner makes it.
import { isFullSha, toCommitSha } from '../common/commit-sha.js';
import type { Resolution } from './types.js';
import { mostSpecificVersionTag } from './version-tags.js';

export interface RepoRefs {
  readonly repo: string;
  readonly default_branch: string;
  readonly head: string;
  readonly tags: readonly { readonly name: string; readonly sha: string; readonly tag_object_sha: string | null }[];
  readonly branches: readonly { readonly name: string; readonly sha: string }[];
}

const SHORT_SHA = /^[0-9a-f]{7,39}$/;

export function resolveFromRefs(refs: RepoRefs, ref: string): Resolution {
  const tag = refs.tags.find((candidate) => candidate.name === ref);
  const branch = refs.branches.find((candidate) => candidate.name === ref);
  // The runner resolves a name as a tag before a branch; both existing is worth a warning.
  if (tag) return resolvedAt(refs, tag.sha, 'tag', ref, branch !== undefined);
  if (branch) return resolvedAt(refs, branch.sha, 'branch', ref, false);
  const commits = knownCommits(refs);
  if (isFullSha(ref)) {
    return commits.has(ref)
      ? resolvedAt(refs, ref, 'commit', ref, false)
      : { status: 'not-found', reason: `commit ${ref} is not in ${refs.repo}` };
  }
  if (SHORT_SHA.test(ref)) {
    const matches = [...commits].filter((sha) => sha.startsWith(ref));
    if (matches.length === 1) return resolvedAt(refs, matches[0]!, 'commit', ref, false);
    if (matches.length > 1) return { status: 'failed', reason: `short SHA ${ref} is ambiguous in ${refs.repo}` };
  }
  return { status: 'not-found', reason: `no tag or branch named "${ref}" in ${refs.repo}` };
}

function resolvedAt(refs: RepoRefs, sha: string, refType: 'tag' | 'branch' | 'commit', ref: string, ambiguous: boolean): Resolution {
  const commit = toCommitSha(sha);
  if (!commit) return { status: 'failed', reason: `${refs.repo} answered "${sha}", which is not a commit SHA` };
  const tagsOnCommit = refs.tags.filter((candidate) => candidate.sha === commit).map((candidate) => candidate.name);
  return {
    status: 'resolved',
    sha: commit,
    refType,
    tag: refType === 'branch' ? undefined : mostSpecificVersionTag(ref, tagsOnCommit),
    tagsOnCommit,
    ambiguous,
  };
}

function knownCommits(refs: RepoRefs): Set<string> {
  return new Set([refs.head, ...refs.tags.map((tag) => tag.sha), ...refs.branches.map((branch) => branch.sha)]);
}
