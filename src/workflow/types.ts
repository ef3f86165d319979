import type { CommitSha } from '../common/commit-sha.js';
import type { QuoteStyle, ScalarSite } from '../yaml/scalar-site.js';

/** Which schema a file follows: a workflow under .github/workflows, or an action manifest. */
export type FileKind = 'workflow' | 'action';

/** Where a `uses:` sits in the document. */
export type SiteContext = 'step' | 'job' | 'composite-step';

export type { QuoteStyle };

/** A `uses:` value found in a file, with the byte positions needed to put new text back. */
export interface UsesSite extends ScalarSite {
  readonly context: SiteContext;
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
  | {
      readonly ok: true;
      readonly references: readonly UsesReference[];
    }
  | { readonly ok: false; readonly error: string };

/** Which remote references the user asked to leave as they are. */
export type IgnoreRef = (ref: RemoteRef) => boolean;

export type { CommitSha };
