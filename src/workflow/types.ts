import type { CommitSha } from '../common/commit-sha.js';

/** Which schema a file follows: a workflow under .github/workflows, or an action manifest. */
export type FileKind = 'workflow' | 'action';

/** Where a `uses:` sits in the document. */
export type SiteContext = 'step' | 'job' | 'composite-step';

export type QuoteStyle = 'plain' | 'single' | 'double';

/** A `uses:` value found in a file, with the byte positions needed to put new text back. */
export interface UsesSite {
  /** The decoded scalar value, as GitHub reads it. */
  readonly value: string;
  readonly context: SiteContext;
  /** Dotted path for messages, e.g. `jobs.build.steps[2].uses`. */
  readonly path: string;
  /** 1-based line and column of the value's first character. */
  readonly line: number;
  readonly column: number;
  /** Offsets into the text: the value's source including its quotes, [start, end). */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Where the YAML node starts: `valueStart`, except for a block scalar (its `|` or `>`). */
  readonly nodeStart: number;
  readonly quote: QuoteStyle | 'block';
  /** Offset where the line holding the value's end stops (before `\r\n` or `\n`). */
  readonly lineEnd: number;
  /** Offset just after the line's last non-blank character (never before `valueEnd`). */
  readonly contentEnd: number;
  /** The trailing comment on that line, when it is certainly a comment. */
  readonly comment?: { readonly start: number; readonly text: string };
  /** Whether the value sits inside a flow collection (`{uses: …}`). */
  readonly inFlow: boolean;
  /** True when a comment may be appended at `lineEnd` without changing what the YAML means. */
  readonly commentSafe: boolean;
  /** Also reached through an alias: one edit of the anchored text serves every use. */
  readonly reachedThroughAlias: boolean;
}

export type RefKind = 'full-sha' | 'short-sha' | 'version-tag' | 'other';

/** What a `uses:` value names, as GitHub Actions reads it. */
export type ActionRef =
  | {
      readonly kind: 'action';
      readonly owner: string;
      readonly repo: string;
      readonly path: string | undefined;
      readonly ref: string;
      readonly refKind: RefKind;
    }
  | {
      readonly kind: 'reusable-workflow';
      readonly owner: string;
      readonly repo: string;
      readonly path: string;
      readonly ref: string;
      readonly refKind: RefKind;
    }
  | { readonly kind: 'local'; readonly path: string }
  | { readonly kind: 'docker'; readonly image: string; readonly digest: string | undefined }
  | { readonly kind: 'invalid'; readonly reason: string };

export type RemoteRef = Extract<ActionRef, { kind: 'action' | 'reusable-workflow' }>;

/** A located site together with what it names. */
export interface UsesReference {
  readonly site: UsesSite;
  readonly ref: ActionRef;
}

/** Result of reading one file: its references, or why it could not be read. */
export type LocateResult =
  | { readonly ok: true; readonly references: readonly UsesReference[] }
  | { readonly ok: false; readonly error: string };

export type { CommitSha };
