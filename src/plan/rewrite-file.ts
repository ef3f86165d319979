// One file through plan → splice → verify. The outcome says what happened to the file; a
// file whose rewrite fails verification is reported with the reason and never written.
import type { RefKey, Resolution } from '../resolve/types.js';
import type { UsesReference } from '../workflow/types.js';
import { applyEdits } from '../rewrite/apply-edits.js';
import { planPins } from './plan-pins.js';
import { referencesAfterEdits } from '../rewrite/references-after-edits.js';
import { editsAreProvablySafe } from '../rewrite/safe-edits.js';
import type { SiteEdit } from '../rewrite/safe-edits.js';
import type { Judgements } from '../trust/judge-pin.js';
import type { IgnoreRef } from '../workflow/types.js';
import type { PinPlan, TextEdit } from '../rewrite/types.js';
import { verifyRewrite } from '../rewrite/verify-rewrite.js';

export type FileRewrite =
  | { readonly status: 'unchanged'; readonly plan: PinPlan }
  | {
      readonly status: 'rewritten';
      readonly plan: PinPlan;
      readonly text: string;
      /** The new text's `uses:`, when the edits were proved safe (moved, not parsed again). */
      readonly references?: readonly UsesReference[];
      /** The edits made, sorted, when they were proved safe: what moves every other site of the file. */
      readonly edits?: readonly TextEdit[];
    }
  | { readonly status: 'rejected'; readonly plan: PinPlan; readonly problem: string };

export function rewriteFile(input: {
  readonly text: string;
  readonly references: readonly UsesReference[];
  readonly resolutions: ReadonlyMap<RefKey, Resolution>;
  readonly ignore?: IgnoreRef;
  readonly staysOnTag?: readonly string[];
  readonly judgements?: Judgements;
  /** Re-parse even edits the bytes prove (the benchmark's "before" column, and tests comparing the two). */
  readonly alwaysVerify?: boolean;
}): FileRewrite {
  const plan = planPins(input);
  const pins = plan.entries.flatMap((entry) => (entry.action === 'pin' ? [entry.pin] : []));
  const changes: SiteEdit[] = [
    ...pins.map((pin) => ({ site: pin.site, after: pin.after, edits: pin.edits })),
    ...plan.entries.flatMap((entry) =>
      entry.action === 'keep' && entry.comment
        ? [{ site: entry.site, after: undefined, edits: [entry.comment.edit] }]
        : [],
    ),
  ];
  if (changes.length === 0) return { status: 'unchanged', plan };
  const edits = changes.flatMap((change) => change.edits).toSorted((a, b) => a.start - b.start || a.end - b.end);
  const text = applyEdits(input.text, edits);
  // Edits whose meaning the bytes prove skip the re-parse (safe-edits.ts); every other rewrite is verified in full.
  if (!input.alwaysVerify && editsAreProvablySafe(input.text, changes))
    return {
      status: 'rewritten',
      plan,
      text,
      references: referencesAfterEdits(text, input.references, changes),
      edits,
    };
  const expected = new Map(pins.map((pin) => [pin.site.nodeStart, pin.after]));
  const verification = verifyRewrite({ original: input.text, updated: text, expected });
  if (!verification.ok) return { status: 'rejected', plan, problem: verification.problem };
  return { status: 'rewritten', plan, text };
}
