// The fake registry's data: `{"images": {"docker.io/library/node:20": {"digest": "sha256:…",
// "mediaType": "application/vnd.oci.image.index.v1+json"}}}`, fully qualified names. An entry may
// give the manifest's exact bytes (`manifest`): its digest is then their sha256, which a GET
// returns; `omitDigestHeader` leaves `Docker-Content-Digest` off, as OCI lets a registry do.
import { createHash } from 'node:crypto';
import { z } from 'zod';

const Entry = z
  .object({
    digest: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .optional(),
    mediaType: z.string().min(1).default('application/vnd.oci.image.index.v1+json'),
    manifest: z.string().optional(),
    omitDigestHeader: z.boolean().optional(),
  })
  .strict()
  .refine(
    (entry) => entry.digest !== undefined || entry.manifest !== undefined,
    'an image needs a digest or a manifest',
  );

const ImagesFile = z
  .object({
    $comment: z.string().optional(),
    images: z.record(z.string().regex(/^[^/\s]+\/[^\s@]+:[\w][\w.-]{0,127}$/, 'registry/name:tag'), Entry),
  })
  .strict();

export interface FakeImage {
  /** `docker.io/library/node` */
  readonly name: string;
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  /** What a GET sends: the given manifest, else a small index whose hash is not the digest. */
  readonly body: Buffer;
  readonly omitDigestHeader: boolean;
}

export function parseImagesFile(text: string): FakeImage[] {
  const parsed = ImagesFile.parse(JSON.parse(text));
  return Object.entries(parsed.images).map(([reference, entry]) => {
    const colon = reference.lastIndexOf(':');
    const body = Buffer.from(
      entry.manifest ?? JSON.stringify({ schemaVersion: 2, mediaType: entry.mediaType, manifests: [] }),
    );
    const hashed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (entry.manifest !== undefined && entry.digest !== undefined && entry.digest !== hashed)
      throw new Error(`${reference}: digest ${entry.digest} is not the sha256 of its manifest (${hashed})`);
    return {
      name: reference.slice(0, colon),
      tag: reference.slice(colon + 1),
      digest: entry.manifest !== undefined ? hashed : entry.digest!,
      mediaType: entry.mediaType,
      body,
      omitDigestHeader: entry.omitDigestHeader ?? false,
    };
  });
}
