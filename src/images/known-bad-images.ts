// The images pinwarden must never pin to (data/compromised-images.json, sourced), checked against
// its schema when loaded. Matched by canonical name and tag (`v` optional, as Trivy's tags are
// written both ways), and by digest once a digest is listed.
import { z } from 'zod';
import raw from './data/compromised-images.json' with { type: 'json' };
import { canonicalName, effectiveTag } from './image-reference.js';
import type { ImageRef } from './image-reference.js';

const Incident = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1),
    advisories: z.array(z.string()),
    repositories: z.array(z.string().regex(/^[^/\s]+\/\S+$/)).min(1),
    tags: z.array(z.string()),
    digests: z.array(z.string().regex(/^sha256:[0-9a-f]{64}$/)).optional(),
    /** When `latest` served the bad image: a `latest` reference was exposed then. */
    latestDuring: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }).strict().optional(),
    /** The tag to use instead: the advisory's known-safe version. */
    replacement: z.string().min(1).optional(),
    sources: z.array(z.url()).min(1),
  })
  .strict();

const Data = z
  .object({ $comment: z.string(), version: z.literal(1), updated: z.iso.date(), incidents: z.array(Incident).min(1) })
  .strict();

export type ImageIncident = z.infer<typeof Incident>;

const DATA = Data.parse(raw);

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
