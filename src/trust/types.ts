// Pin-time trust: what is known of an action repository when a tag is about to be written as a
// commit, and what the judge says of it. Plain data; gathered by `pin-trust.ts` through the
// `TrustSource` port, judged by `judge-pin.ts`.

export type TrustCheck =
  | 'impostor-tag'
  | 'mass-retag'
  | 'release-not-descendant'
  | 'fresh-release'
  | 'tag-moved-since-seen'
  | 'downloads-latest';

/** Where a head commit stands against a base ref, as GitHub's `Ref.compare(headRef:)` says. */
export type CompareStatus = 'IDENTICAL' | 'BEHIND' | 'AHEAD' | 'DIVERGED';

/** Whether some branch, or some tag other than those naming the commit, holds it in its history. */
export type Containment = 'contained' | 'not-contained';

export interface ReleaseFacts {
  readonly tag: string;
  /** Set by GitHub when the release is published; tag and commit dates are written by whoever pushes. */
  readonly publishedAt: string | undefined;
  /** An immutable release's tag cannot be moved or deleted. */
  readonly immutable: boolean;
  readonly draft?: boolean;
  readonly prerelease?: boolean;
}

/** What is known of one action repository; a missing answer is absent, never guessed. */
export interface RepositoryTrust {
  /** `owner/repo` as written in the workflow. */
  readonly repository: string;
  /** Tags with the commits they peel to, as far as listed. */
  readonly tags: readonly { readonly name: string; readonly commit: string }[];
  /** The releases, newest first; undefined when they could not be read. */
  readonly releases: readonly ReleaseFacts[] | undefined;
  /** Commit dates (unverified: the pusher writes them), by commit. */
  readonly commitDates: ReadonlyMap<string, string>;
  /** Containment of the commits asked about, by commit. */
  readonly containment: ReadonlyMap<string, Containment>;
  /** `ancestryKey(baseTag, headCommit)` → where the head stands against the base tag. */
  readonly ancestry: ReadonlyMap<string, CompareStatus>;
  /** Full-version tag → the commit pinwarden saw it name first (App; empty in one-shot runs). */
  readonly firstSeen: ReadonlyMap<string, string>;
}

export function ancestryKey(baseTag: string, head: string): string {
  return `${baseTag}..${head}`;
}

/** What the judge says of one reference: a finding without its place, and whether it is held. */
export interface TrustVerdict {
  readonly check: TrustCheck;
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  /** A held reference is not written: the line stays as it was. */
  readonly held: boolean;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** What the repository's config says of trust (`pin.min_release_age_days`, `trust.allow`). */
export interface TrustPolicy {
  readonly minReleaseAgeDays: number;
  /** `owner/repo[/path]` globs whose release process does not descend release from release. */
  readonly allow: readonly string[];
}

export const DEFAULT_TRUST_POLICY: TrustPolicy = { minReleaseAgeDays: 7, allow: [] };
