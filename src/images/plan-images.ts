// Decides, for every image a file names, whether a digest is written, the image is kept, or it is
// skipped with a reason a reader can act on. No I/O: registry answers arrive as data. The tag and
// the user's spelling are kept and the digest appended (`node:20` → `node:20@sha256:…`), so a
// reader and Dependabot still see the version, and the runtime pulls exactly the digest.
import { quoteValue } from '../rewrite/format-pin.js';
import type { TextEdit } from '../rewrite/types.js';
import { isLatest } from './image-reference.js';
import { imageKey } from './image-digests.js';
import type { ImageKey, ImageResolution } from './image-digests.js';
import { knownBadImage } from './known-bad-images.js';
import { imageIgnored } from './image-ignore.js';
import type { BadImage } from './known-bad-images.js';
import type { ImageEdit, LocatedImage } from './types.js';
import { signatureKey, signatureVerdict } from './signatures.js';
import type { SignatureFacts, SignatureKey, SignatureVerdict, VerifyRule } from './signatures.js';

/** The signatures read beside the run's digests, and the rules (`images.verify`) they must satisfy. */
export interface SignatureContext {
  readonly facts: ReadonlyMap<SignatureKey, SignatureFacts>;
  readonly rules: readonly VerifyRule[];
}

type Image = Extract<LocatedImage, { status: 'image' }>;

export type ImagePlanEntry =
  | {
      readonly action: 'pin';
      readonly located: Image;
      readonly digest: string;
      readonly after: string;
      readonly edits: readonly TextEdit[];
      readonly latest: boolean;
      /** Who signed the digest, when signatures were read. */
      readonly signature?: SignatureFacts;
    }
  | {
      readonly action: 'keep';
      readonly located: LocatedImage;
      readonly why: 'pinned' | 'ignored' | 'not-image';
      readonly detail?: string;
      readonly signature?: SignatureFacts;
    }
  | {
      readonly action: 'skip';
      readonly located: LocatedImage;
      readonly reason: string;
      readonly bad?: BadImage;
      /** Refused because `images.verify` names the image and its signature does not satisfy it. */
      readonly unsigned?: Extract<SignatureVerdict, { ok: false }>;
    };

/** Every image worth asking a registry about: tagged (or untagged) references, digests included to verify them. */
export function imagesToResolve(images: readonly LocatedImage[], ignore?: (located: Image) => boolean): Image[] {
  return images.filter(
    (located): located is Image =>
      located.status === 'image' &&
      !imageIgnored(located.site) &&
      !ignore?.(located) &&
      !(located.image.digest && !located.image.tag),
  );
}

export function planImages(
  images: readonly LocatedImage[],
  resolutions: ReadonlyMap<ImageKey, ImageResolution>,
  ignore?: (located: Image) => boolean,
  signatures?: SignatureContext,
): ImagePlanEntry[] {
  return images.map((located) => planOne(located, resolutions, ignore, signatures));
}

function planOne(
  located: LocatedImage,
  resolutions: ReadonlyMap<ImageKey, ImageResolution>,
  ignore: ((located: Image) => boolean) | undefined,
  signatures: SignatureContext | undefined,
): ImagePlanEntry {
  if (located.status === 'not-image') return { action: 'keep', located, why: 'not-image', detail: located.why };
  if (imageIgnored(located.site)) return { action: 'keep', located, why: 'ignored' };
  if (located.status === 'unreadable') return { action: 'skip', located, reason: located.why };
  if (ignore?.(located)) return { action: 'keep', located, why: 'ignored' };
  const { image } = located;
  const badAsWritten = knownBadImage(image, image.digest);
  if (badAsWritten) return { action: 'skip', located, reason: refusal(badAsWritten), bad: badAsWritten };
  const signedAs = (digest: string) => signatures?.facts.get(signatureKey(image, digest));
  if (image.digest) {
    const signature = signedAs(image.digest);
    return { action: 'keep', located, why: 'pinned', ...(signature ? { signature } : {}) };
  }
  const answer = resolutions.get(imageKey(image));
  if (!answer) return { action: 'skip', located, reason: 'not resolved' };
  if (answer.status !== 'resolved')
    return { action: 'skip', located, reason: `the digest could not be read: ${answer.reason}` };
  const bad = knownBadImage(image, answer.digest);
  if (bad) return { action: 'skip', located, reason: refusal(bad), bad };
  const signature = signedAs(answer.digest);
  const verdict = signatures && signatureVerdict(image, signature, signatures.rules);
  if (verdict && !verdict.ok)
    return {
      action: 'skip',
      located,
      reason: `refused: not signed as \`images.verify\` requires (\`${verdict.rule.identity}\`, issuer \`${verdict.rule.issuer}\`): ${verdict.reason}; its digest \`${answer.digest}\` was not written`,
      unsigned: verdict,
    };
  if (!located.site.edit)
    return {
      action: 'skip',
      located,
      reason: `${located.site.cannotEdit ?? 'it cannot be rewritten in place'}; its digest is \`${answer.digest}\``,
    };
  const after = `${located.site.written}@${answer.digest}`;
  const edits = editsFor(located.site.edit, located.site.written, answer.digest);
  if (typeof edits === 'string')
    return { action: 'skip', located, reason: `${edits}; its digest is \`${answer.digest}\`` };
  return {
    action: 'pin',
    located,
    digest: answer.digest,
    after,
    edits,
    latest: isLatest(image),
    ...(signature ? { signature } : {}),
  };
}

function editsFor(edit: ImageEdit, written: string, digest: string): TextEdit[] | string {
  switch (edit.how) {
    case 'scalar': {
      const { site } = edit;
      if (site.quote === 'block') return 'a block scalar holds it';
      if (site.value !== site.value.trim()) return 'its value has spaces around it';
      return [
        {
          start: site.valueStart,
          end: site.valueEnd,
          text: quoteValue(`${edit.prefix}${written}@${digest}`, site.quote),
        },
      ];
    }
    case 'text':
      return [{ start: edit.start, end: edit.end, text: `${written}@${digest}` }];
    case 'digest-key': {
      if (edit.existing) {
        const { existing } = edit;
        if (existing.quote === 'block') return 'its `digest` is a block scalar';
        const empty = existing.valueStart === existing.valueEnd;
        return [
          {
            start: existing.valueStart,
            end: existing.valueEnd,
            text: empty ? ` ${digest}` : quoteValue(digest, existing.quote),
          },
        ];
      }
      const text = edit.indent === undefined ? `, digest: ${digest}` : `${edit.newline}${edit.indent}digest: ${digest}`;
      return [{ start: edit.insertAt, end: edit.insertAt, text }];
    }
  }
}

function refusal(bad: BadImage): string {
  const instead = bad.incident.replacement
    ? `use \`${bad.incident.replacement}\`, the advisory's known-safe version, or one released after the incident`
    : 'use a version released after the incident';
  return `refused: a known-compromised image (${bad.incident.title}; ${bad.incident.advisories.join(', ')}); ${instead}`;
}
