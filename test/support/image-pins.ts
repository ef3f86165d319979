// An image file planned as the App plans it, every tagged image resolved to a digest made from its
// name: what the safe-edit proofs and their equivalence with the full check are tested on.
import { createHash } from 'node:crypto';
import { contextFor, locateImages } from '../../src/images/locate-image-file.js';
import { planImages } from '../../src/images/plan-images.js';
import type { ImagePlanEntry } from '../../src/images/plan-images.js';
import { imageKey } from '../../src/images/image-digests.js';
import type { ImageKey, ImageResolution } from '../../src/images/image-digests.js';
import type { ImageFileKind } from '../../src/images/types.js';
import type { rewriteImages } from '../../src/images/rewrite-images.js';
import { applyEdits } from '../../src/rewrite/apply-edits.js';

export interface PlannedImages {
  /** What `rewriteImages` is given for the file. */
  readonly input: Parameters<typeof rewriteImages>[0];
  readonly entries: ImagePlanEntry[];
  readonly pins: Extract<ImagePlanEntry, { action: 'pin' }>[];
  /** The text with every pin applied. */
  readonly pinned: string;
}

export function planImageFile(
  text: string,
  kind: ImageFileKind,
  templates?: readonly string[],
  appVersion?: string,
): PlannedImages {
  const file = { kind, ...(templates ? { templates } : {}), ...(appVersion !== undefined ? { appVersion } : {}) };
  const located = locateImages(text, kind, contextFor(file, text));
  if (!located.ok) throw new Error(located.error);
  const resolutions = new Map<ImageKey, ImageResolution>();
  for (const entry of located.images) {
    if (entry.status === 'image')
      resolutions.set(imageKey(entry.image), {
        status: 'resolved',
        digest: `sha256:${createHash('sha256').update(entry.image.written).digest('hex')}`,
        mediaType: undefined,
        method: 'HEAD',
      });
  }
  const entries = planImages(located.images, resolutions);
  const pins = entries.flatMap((entry) => (entry.action === 'pin' ? [entry] : []));
  return {
    input: { text, kind, images: located.images, resolutions, contextOf: (again) => contextFor(file, again) },
    entries,
    pins,
    pinned: applyEdits(
      text,
      pins.flatMap((pin) => pin.edits),
    ),
  };
}
