// When re-parsing a rewritten file can prove nothing new. Verification (verify-rewrite.ts) parses
// the original and the result and compares them node by node; for the common edit that is
// wasted work, because its meaning is certain from the bytes alone:
//  - a value on one line, outside flow collections and aliases, whose source is exactly the
//    value read in its plain, '…' or "…" form, replaced by text of [A-Za-z0-9._/@-] that starts
//    with a letter, digit or `_` and holds a `/` — the same quoting around it, it is the same
//    kind of scalar, a string in every schema, and ends where the old one ended;
//  - a comment of one line put after the line's last content, where one may go (`commentSafe`),
//    or replacing a trailing comment from its `#`.
// Anything else keeps the full check.
import type { UsesSite } from '../workflow/types.js';
import type { ScalarSite } from '../yaml/scalar-site.js';
import { quoteValue } from './format-pin.js';
import type { TextEdit } from './types.js';

const SAFE_VALUE = /^[A-Za-z0-9_][A-Za-z0-9._/@-]*$/;

export interface SiteEdit {
  readonly site: UsesSite;
  /** The value written, unquoted (undefined for a comment repair alone). */
  readonly after: string | undefined;
  readonly edits: readonly TextEdit[];
}

export function editsAreProvablySafe(text: string, changes: readonly SiteEdit[]): boolean {
  return changes.every(
    (change) => siteIsPlain(text, change.site) && change.edits.every((edit) => editIsSafe(change, edit)),
  );
}

/** A value on one line, outside flow collections and aliases, whose source is exactly its value in its quoting. */
export function siteIsPlain(text: string, site: ScalarSite): boolean {
  // A one-line block scalar is edited inside its content (nodeStart is its `|`): left to the full check.
  if (site.quote === 'block' || site.nodeStart !== site.valueStart || site.inFlow || site.reachedThroughAlias)
    return false;
  const source = text.slice(site.valueStart, site.valueEnd);
  return source === quoteValue(site.value, site.quote) && !/[\r\n]/.test(source);
}

function editIsSafe({ site, after }: SiteEdit, edit: TextEdit): boolean {
  if (edit.start === site.valueStart && edit.end === site.valueEnd) {
    return (
      site.quote !== 'block' &&
      after !== undefined &&
      SAFE_VALUE.test(after) &&
      after.includes('/') &&
      edit.text === quoteValue(after, site.quote)
    );
  }
  if (!site.commentSafe || /[\r\n]/.test(edit.text)) return false;
  if (site.comment && edit.start === site.comment.start && edit.end === site.lineEnd) return edit.text.startsWith('#');
  return !site.comment && edit.start === site.contentEnd && edit.end === site.contentEnd && edit.text.startsWith(' #');
}
