// The refs of one repository as plain data (the schema of ../shared/corpus/refs), turned into
// the facts `decideResolution` needs.
import { memoByObject } from '../common/object-memo.js';
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
   * means only in a fork — an impostor commit, even when a tag names it. With `parents`, history
   * is known and compare is computed from the graph; `date` is the commit date.
   */
  readonly commits?: readonly {
    readonly sha: string;
    readonly reachable: boolean;
    readonly parents?: readonly string[];
    readonly date?: string;
  }[];
  /** Releases (optional), as GitHub's REST releases API gives them. */
  readonly releases?: readonly {
    readonly tag: string;
    readonly publishedAt: string;
    readonly immutable?: boolean;
    readonly draft?: boolean;
    readonly prerelease?: boolean;
  }[];
  /** Files at a commit (optional): `{ "<sha>": { "action.yml": "<text>" } }`. */
  readonly files?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const SHORT_SHA = /^[0-9a-f]{7,39}$/;

export function resolveFromRefs(refs: RepoRefs, ref: string): Resolution {
  const matches = commitsMatching(refs, ref);
  if (matches.length > 1) return { status: 'failed', reason: `short SHA ${ref} is ambiguous in ${refs.repo}` };
  const index = indexOf(refs);
  return decideResolution({
    repo: refs.repo,
    ref,
    tagCommit: index.tagCommit.get(ref),
    branchCommit: index.branchCommit.get(ref),
    commit: matches[0],
    tags: index.tags,
  });
}

/** Commits of the refs data that a full or short SHA names (refs data knows only ref tips). */
export function commitsMatching(refs: RepoRefs, ref: string): string[] {
  if (!isFullSha(ref) && !SHORT_SHA.test(ref)) return [];
  return indexOf(refs).commits.filter((sha) => sha.startsWith(ref));
}

/** Each tag with the commit it names, in the data's order (made once a repository). */
export function tagsOf(refs: RepoRefs): readonly { readonly name: string; readonly commit: string }[] {
  return indexOf(refs).tags;
}

interface RefsIndex {
  /** The first tag or branch of each name, as a search in order finds it. */
  readonly tagCommit: ReadonlyMap<string, string>;
  readonly branchCommit: ReadonlyMap<string, string>;
  readonly tags: readonly { readonly name: string; readonly commit: string }[];
  /** Every commit the data names, once. */
  readonly commits: readonly string[];
}

// Built once a repository: resolving rebuilt these lists for every ref asked (the audit of 1,016
// files asks thousands), and refs data never changes once read.
const indexOf = memoByObject((refs: RepoRefs): RefsIndex => {
  const firstByName = (list: readonly { readonly name: string; readonly sha: string }[]) => {
    const byName = new Map<string, string>();
    for (const { name, sha } of list) if (!byName.has(name)) byName.set(name, sha);
    return byName;
  };
  const index: RefsIndex = {
    tagCommit: firstByName(refs.tags),
    branchCommit: firstByName(refs.branches),
    tags: refs.tags.map((tag) => ({ name: tag.name, commit: tag.sha })),
    commits: [
      ...new Set([
        refs.head,
        ...refs.tags.map((tag) => tag.sha),
        ...refs.branches.map((branch) => branch.sha),
        ...(refs.commits ?? []).map((commit) => commit.sha),
      ]),
    ],
  };
  return index;
});

export type Reachability = 'reachable' | 'impostor' | 'unknown';

/** What compare needs of a repository's commits, from refs data or the fake's store. */
export interface CommitGraph {
  /** The commit's parents, when its history is known. */
  parentsOf(sha: string): readonly string[] | undefined;
  /** Listed as existing only in a fork. */
  isForkOnly(sha: string): boolean;
  /** A ref tip, or listed reachable, with no history known. */
  isKnownReachable(sha: string): boolean;
}

export type CompareStatus = 'IDENTICAL' | 'BEHIND' | 'AHEAD' | 'DIVERGED';

/**
 * Where `head` stands against `base`, as GitHub's compare says it: BEHIND when base's history
 * holds head. From the graph when both histories are known; without history, a reachable commit
 * counts as in the default branch and nothing else is said (undefined).
 */
export function compareCommits(
  graph: CommitGraph,
  base: string,
  head: string,
  baseIsDefaultBranch: boolean,
): CompareStatus | undefined {
  if (base === head) return 'IDENTICAL';
  if (graph.isForkOnly(head)) return 'DIVERGED';
  if (graph.parentsOf(base) !== undefined && graph.parentsOf(head) !== undefined) {
    if (isAncestor(graph, head, base)) return 'BEHIND';
    return isAncestor(graph, base, head) ? 'AHEAD' : 'DIVERGED';
  }
  return baseIsDefaultBranch && graph.isKnownReachable(head) ? 'BEHIND' : undefined;
}

/** Whether `ancestor` is in the history of `descendant` (bounded by the commits the graph holds). */
function isAncestor(graph: CommitGraph, ancestor: string, descendant: string): boolean {
  const seen = new Set<string>();
  const pending = [descendant];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (current === ancestor) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    pending.push(...(graph.parentsOf(current) ?? []));
  }
  return false;
}

export function graphOfRefs(refs: RepoRefs): CommitGraph {
  const listed = new Map((refs.commits ?? []).map((commit) => [commit.sha, commit]));
  const tips = new Set([refs.head, ...refs.tags.map((tag) => tag.sha), ...refs.branches.map((branch) => branch.sha)]);
  return {
    parentsOf: (sha) => listed.get(sha)?.parents,
    isForkOnly: (sha) => listed.get(sha)?.reachable === false,
    isKnownReachable: (sha) => (listed.has(sha) ? listed.get(sha)!.reachable : tips.has(sha)),
  };
}

/** `refs/heads/x` or `refs/tags/y` → the commit it names in the refs data. */
export function commitOfQualifiedRef(refs: RepoRefs, qualified: string): string | undefined {
  if (qualified.startsWith('refs/heads/'))
    return refs.branches.find((branch) => branch.name === qualified.slice(11))?.sha;
  if (qualified.startsWith('refs/tags/')) return refs.tags.find((tag) => tag.name === qualified.slice(10))?.sha;
  return undefined;
}

/** Whether a commit is in the repository's history (a tip, or listed reachable), only in a fork, or not known. */
export function reachabilityFromRefs(refs: RepoRefs, sha: string): Reachability {
  const listed = refs.commits?.find((commit) => commit.sha === sha);
  // A tag may name a fork-only commit (a hijacked tag): what the data says of the commit comes first.
  if (listed?.reachable === false) return 'impostor';
  if (
    refs.head === sha ||
    refs.tags.some((tag) => tag.sha === sha) ||
    refs.branches.some((branch) => branch.sha === sha)
  )
    return 'reachable';
  if (!listed) return 'unknown';
  return listed.reachable ? 'reachable' : 'impostor';
}
