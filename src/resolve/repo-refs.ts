// The refs of one repository as plain data (the schema of ../shared/corpus/refs), turned into
// the facts `decideResolution` needs.
import { isFullSha } from '../common/commit-sha.js';
import { decideResolution } from './decide-resolution.js';
import type { Resolution } from './types.js';

export interface RepoRefs {
  readonly repo: string;
  readonly default_branch: string;
  readonly head: string;
  readonly tags: readonly { readonly name: string; readonly sha: string; readonly tag_object_sha: string | null }[];
  readonly branches: readonly { readonly name: string; readonly sha: string }[];
  /**
   * Commits the repository's network holds beyond its ref tips (optional): `reachable: false`
   * means only in a fork — an impostor commit. Tags and branch tips are reachable.
   */
  readonly commits?: readonly { readonly sha: string; readonly reachable: boolean }[];
  /** Files at a commit (optional): `{ "<sha>": { "action.yml": "<text>" } }`. */
  readonly files?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const SHORT_SHA = /^[0-9a-f]{7,39}$/;

export function resolveFromRefs(refs: RepoRefs, ref: string): Resolution {
  const matches = commitsMatching(refs, ref);
  if (matches.length > 1) return { status: 'failed', reason: `short SHA ${ref} is ambiguous in ${refs.repo}` };
  return decideResolution({
    repo: refs.repo,
    ref,
    tagCommit: refs.tags.find((tag) => tag.name === ref)?.sha,
    branchCommit: refs.branches.find((branch) => branch.name === ref)?.sha,
    commit: matches[0],
    tags: refs.tags.map((tag) => ({ name: tag.name, commit: tag.sha })),
  });
}

/** Commits of the refs data that a full or short SHA names (refs data knows only ref tips). */
export function commitsMatching(refs: RepoRefs, ref: string): string[] {
  if (!isFullSha(ref) && !SHORT_SHA.test(ref)) return [];
  const known = new Set([refs.head, ...refs.tags.map((tag) => tag.sha), ...refs.branches.map((branch) => branch.sha), ...(refs.commits ?? []).map((commit) => commit.sha)]);
  return [...known].filter((sha) => sha.startsWith(ref));
}

export type Reachability = 'reachable' | 'impostor' | 'unknown';

/** Whether a commit is in the repository's history (a tip, or listed reachable), only in a fork, or not known. */
export function reachabilityFromRefs(refs: RepoRefs, sha: string): Reachability {
  if (refs.head === sha || refs.tags.some((tag) => tag.sha === sha) || refs.branches.some((branch) => branch.sha === sha)) return 'reachable';
  const listed = refs.commits?.find((commit) => commit.sha === sha);
  if (!listed) return 'unknown';
  return listed.reachable ? 'reachable' : 'impostor';
}
