// The port the core needs from GitHub: "which commit does owner/repo@ref mean, and which
// version tag names it". Outcomes are values; only surprises are thrown.
import type { CommitSha } from '../common/commit-sha.js';

export interface RefRequest {
  readonly owner: string;
  readonly repo: string;
  readonly ref: string;
}

/** `owner/repo@ref`; owner and repository names are case-insensitive on GitHub, refs are not. */
export type RefKey = string & { readonly __refKey: true };

export function refKey(request: RefRequest): RefKey {
  return `${request.owner.toLowerCase()}/${request.repo.toLowerCase()}@${request.ref}` as RefKey;
}

/** One request per `refKey`, the first spelling kept, in order. */
export function uniqueRequests(requests: readonly RefRequest[]): Map<RefKey, RefRequest> {
  const unique = new Map<RefKey, RefRequest>();
  for (const request of requests) {
    const key = refKey(request);
    if (!unique.has(key)) unique.set(key, request);
  }
  return unique;
}

export type Resolution =
  | {
      readonly status: 'resolved';
      readonly sha: CommitSha;
      /** What the ref named: a tag, a branch head, or a commit (full or short SHA). */
      readonly refType: 'tag' | 'branch' | 'commit';
      /** The most specific version tag on that commit (`v4.2.2` for `v4`), when there is one. */
      readonly tag: string | undefined;
      /** Every tag known to point at the commit, to recognise an existing comment as correct. */
      readonly tagsOnCommit: readonly string[];
      /** The name is both a tag and a branch; Actions takes the tag (ref confusion). */
      readonly ambiguous: boolean;
    }
  | {
      readonly status: 'not-found';
      readonly reason: string;
      /** What is missing: the repository, or the ref in it. */ readonly missing: 'repository' | 'ref';
    }
  | { readonly status: 'no-access'; readonly reason: string }
  | { readonly status: 'rate-limited'; readonly reason: string; readonly retryAfterSeconds?: number }
  | { readonly status: 'failed'; readonly reason: string };

export type ResolvedRef = Extract<Resolution, { status: 'resolved' }>;

export interface RefResolver {
  /** Resolves every request; the map holds one entry per distinct `refKey`. */
  resolve(requests: readonly RefRequest[]): Promise<ReadonlyMap<RefKey, Resolution>>;
}
