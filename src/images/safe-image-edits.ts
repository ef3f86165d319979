// When re-reading a file whose images were pinned can prove nothing new (the image side of
// rewrite/safe-edits.ts). The common pin replaces a YAML value on one line (`image: node:20`,
// `container: 'node:20'`, `uses: docker://alpine:3`) by the same text with `@sha256:<hex>`
// appended: when that value is plain, or quoted without escapes, outside flow collections and
// aliases, and the new text holds only [A-Za-z0-9._/@:-] from a letter, digit or `_` (no `: `,
// no `#`, no quote), it is the same kind of scalar, a string in every schema, ending where the old
// one ended, and every other byte of the file is as it was. Anything else keeps the full check:
// the file located again and compared node by node with the original.
import { quoteValue } from '../rewrite/format-pin.js';
import { siteIsPlain } from '../rewrite/safe-edits.js';
import type { ImagePlanEntry } from './plan-images.js';

const SAFE_PINNED_IMAGE = /^[A-Za-z0-9_][A-Za-z0-9._/@:-]*@sha256:[0-9a-f]{64}$/;

type Pin = Extract<ImagePlanEntry, { action: 'pin' }>;

export function imageEditsAreProvablySafe(text: string, pins: readonly Pin[]): boolean {
  return pins.every((pin) => {
    const edit = pin.located.site.edit;
    if (edit?.how !== 'scalar' || !siteIsPlain(text, edit.site) || edit.site.quote === 'block') return false;
    const value = `${edit.prefix}${pin.after}`;
    const [only, ...more] = pin.edits;
    return (
      SAFE_PINNED_IMAGE.test(value) &&
      more.length === 0 &&
      only !== undefined &&
      only.start === edit.site.valueStart &&
      only.end === edit.site.valueEnd &&
      only.text === quoteValue(value, edit.site.quote)
    );
  });
}
