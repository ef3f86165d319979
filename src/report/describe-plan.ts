// Plain-text lines that say what a plan does to one file: one line per reference, in file order.
import type { ImagePlanEntry } from '../images/plan-images.js';
import type { PinPlan, PlanEntry } from '../rewrite/types.js';

export function describePlanEntry(entry: PlanEntry): string {
  switch (entry.action) {
    case 'pin': {
      const { pin } = entry;
      const flags = [
        pin.refType === 'branch' ? 'branch pin: review' : undefined,
        pin.ambiguous ? `"${pin.ref.ref}" is both a tag and a branch; the tag was used, as Actions does` : undefined,
        pin.note,
      ].filter((flag) => flag !== undefined);
      const comment = pin.comment === undefined ? '' : ` ${pin.comment}`;
      return `line ${pin.site.line}: pin ${pin.before} -> ${pin.after}${comment}${flags.length > 0 ? ` (${flags.join('; ')})` : ''}`;
    }
    case 'keep':
      return `line ${entry.site.line}: keep ${entry.site.value} (${KEEP_REASON[entry.why]})${entry.comment ? `; comment ${entry.comment.before ?? '(none)'} -> ${entry.comment.after}` : ''}`;
    case 'skip':
      return `line ${entry.site.line}: skip ${entry.site.value || '(empty)'}: ${entry.reason}`;
  }
}

export const KEEP_REASON = {
  local: 'local action',
  pinned: 'already pinned',
  ignored: 'left unpinned on purpose',
  'stays-on-tag': 'refuses to run from a SHA; stays on its tag',
  image: 'a container image: pinned by digest with the other images',
} as const;

export function describePlan(plan: PinPlan): string[] {
  return plan.entries.map(describePlanEntry);
}

/** The line an image plan entry prints; nothing for an image kept as it is. */
export function describeImageEntry(entry: ImagePlanEntry): string | undefined {
  const { site } = entry.located;
  switch (entry.action) {
    case 'pin':
      return `line ${site.line}: pin image ${site.written} -> ${entry.after}${entry.latest ? ' (latest is whatever was pushed last: name a version)' : ''}`;
    case 'skip':
      return `line ${site.line}: skip image ${site.written || '(empty)'}: ${entry.reason}`;
    case 'keep':
      return undefined;
  }
}
