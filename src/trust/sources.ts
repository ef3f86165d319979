// The port pin-time trust asks GitHub (or refs data) through: a listing of each action
// repository, and `Ref.compare` answers. Adapters: `table-trust-source.ts` (refs data) and
// `github/github-trust-source.ts` (GraphQL and REST).
import type { CompareStatus, ReleaseFacts } from './types.js';

export interface RepositoryListing {
  readonly defaultBranch: string | undefined;
  readonly branches: readonly { readonly name: string; readonly commit: string }[];
  readonly tags: readonly { readonly name: string; readonly commit: string }[];
  /** Undefined when the releases could not be read. */
  readonly releases: readonly ReleaseFacts[] | undefined;
  readonly commitDates: ReadonlyMap<string, string>;
}

export interface CompareQuestion {
  readonly owner: string;
  readonly repo: string;
  /** A qualified ref: `refs/heads/main`, `refs/tags/v1.2.3`. */
  readonly base: string;
  /** A commit id. */
  readonly head: string;
}

export function compareKey(question: CompareQuestion): string {
  return `${question.owner}/${question.repo}:${question.base}..${question.head}`.toLowerCase();
}

export function repositoryKey(owner: string, repo: string): string {
  return `${owner}/${repo}`.toLowerCase();
}

export interface TrustSource {
  /** One listing per repository it could read (keyed by `repositoryKey`); others are absent. */
  listings(
    repositories: readonly { readonly owner: string; readonly repo: string }[],
  ): Promise<ReadonlyMap<string, RepositoryListing>>;
  /** By `compareKey`; a question GitHub did not answer is absent. */
  compare(questions: readonly CompareQuestion[]): Promise<ReadonlyMap<string, CompareStatus>>;
}

/** Where the first commit each full-version tag named is kept (the App's shared cache, or memory). */
export interface SeenTags {
  /** Records each tag's commit where none is recorded yet; answers the commit recorded first, per tag. */
  remember(
    repository: string,
    tags: readonly { readonly tag: string; readonly commit: string }[],
  ): Promise<ReadonlyMap<string, string>>;
}
