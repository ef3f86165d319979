// The shape of data/compromised-images.json. Checked by the tests (test/unit/shipped-data.test.ts),
// not at each start: the file is built into pinwarden, and the schema library's import is most of a
// one-shot command's start-up.
import { z } from 'zod';

export const ImageIncidentSchema = z
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

export const CompromisedImagesSchema = z
  .object({
    $comment: z.string(),
    version: z.literal(1),
    updated: z.iso.date(),
    incidents: z.array(ImageIncidentSchema).min(1),
  })
  .strict();

export type ImageIncident = z.infer<typeof ImageIncidentSchema>;

export type CompromisedImages = z.infer<typeof CompromisedImagesSchema>;
