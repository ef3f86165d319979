import type { CommitSha } from '../common/commit-sha.js';
import type { ActionRef, RemoteRef, UsesSite } from '../workflow/types.js';
import type { TrustVerdict } from '../trust/types.js';

/** Replace text[start, end) with `text`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** One `uses:` the plan rewrites. */
export interface PlannedPin {
  readonly site: UsesSite;
  readonly ref: RemoteRef;
  readonly before: string;
  readonly after: string;
  readonly sha: CommitSha;
  readonly tag: string | undefined;
  readonly refType: 'tag' | 'branch' | 'commit';
  /** The comment the line ends with after the edit (unchanged, new or none). */
  readonly comment: string | undefined;
  readonly ambiguous: boolean;
  /** Why no comment could be written, when none was. */
  readonly note?: string;
  readonly edits: readonly TextEdit[];
  /** What pin-time trust said that does not hold the pin back (a fresh release, a release off the line). */
  readonly trust?: readonly TrustVerdict[];
  /** Whether the release the comment names is immutable (its tag cannot move); absent when not known. */
  readonly immutable?: boolean;
  /** The release the ref names today when an older one was pinned instead (too fresh). */
  readonly insteadOf?: string;
}

/** A reference the plan leaves as it is, and why. */
export type PlanEntry =
  | { readonly action: 'pin'; readonly pin: PlannedPin }
  | {
      readonly action: 'keep';
      readonly site: UsesSite;
      readonly ref: ActionRef;
      readonly why: 'pinned' | 'local' | 'ignored' | 'stays-on-tag' | 'image';
      /** A pin whose version comment does not name its commit's most specific tag: corrected. */
      readonly comment?: CommentRepair;
    }
  | {
      readonly action: 'skip';
      readonly site: UsesSite;
      readonly ref: ActionRef;
      readonly reason: string;
      /** Held back by pin-time trust: the commit the ref names now must not be written. */
      readonly held?: readonly TrustVerdict[];
    };

export interface PinPlan {
  readonly entries: readonly PlanEntry[];
}

/** The version comment of an existing pin, made to name what the pinned commit is. */
export interface CommentRepair {
  readonly before: string | undefined;
  readonly after: string;
  /** The release the new comment names. */
  readonly tag: string;
  readonly edit: TextEdit;
}
