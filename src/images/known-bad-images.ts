// The images pinwarden must never pin to (data/compromised-images.json, sourced), checked against
// its schema by the tests (known-bad-images-schema.ts). Matched by canonical name and tag (`v` optional, as Trivy's tags are
// written both ways), and by digest once a digest is listed.
import raw from './data/compromised-images.json' with { type: 'json' };
import { canonicalName, effectiveTag } from './image-reference.js';
import type { ImageRef } from './image-reference.js';
import type { CompromisedImages, ImageIncident } from './known-bad-images-schema.js';

export type { ImageIncident } from './known-bad-images-schema.js';

const DATA = raw as CompromisedImages;

export interface BadImage {
  readonly incident: ImageIncident;
  readonly why: 'tag' | 'digest' | 'latest-during-window';
}

/** Why this image, or the digest it resolved to, is known bad; undefined when nothing is known. */
export function knownBadImage(
  image: Pick<ImageRef, 'registry' | 'repository' | 'tag'>,
  digest?: string,
): BadImage | undefined {
  const name = canonicalName(image);
  const tag = effectiveTag(image).replace(/^v(?=\d)/, '');
  for (const incident of DATA.incidents) {
    if (!incident.repositories.includes(name)) continue;
    if (incident.tags.includes(tag)) return { incident, why: 'tag' };
    if (digest && incident.digests?.includes(digest)) return { incident, why: 'digest' };
  }
  return undefined;
}

/** `latest` of a listed repository served the bad image for a while: said, not refused. */
export function latestExposure(image: Pick<ImageRef, 'registry' | 'repository' | 'tag'>): ImageIncident[] {
  if (effectiveTag(image) !== 'latest') return [];
  return DATA.incidents.filter(
    (incident) => incident.latestDuring && incident.repositories.includes(canonicalName(image)),
  );
}
