// The fake registry's data for a fleet run on the corpus (the cluster demo, its test and the
// replicas benchmark): every image the corpus's workflows and actions name, so the replicas pin
// images against loopback and never ask a registry on the internet. An image written with a
// digest keeps it (its tag has not moved); any other gets a digest made from its name and tag.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { canonicalName, effectiveTag } from '../../images/image-reference.js';
import { locateImageFile } from '../../images/locate-image-file.js';
import { fileKindOf } from '../../workflow/file-kind.js';
import { parseImagesFile } from '../../images/registry/images-file.js';
import type { FakeImage } from '../../images/registry/images-file.js';

/** The images `files` name, as the fake registry serves them. */
export function imagesNamedIn(files: readonly { path: string; text: string }[]): FakeImage[] {
  const digests = new Map<string, string>();
  for (const file of files) {
    const kind = fileKindOf(file.path);
    if (!kind) continue;
    const located = locateImageFile({ path: file.path, kind, text: file.text });
    for (const entry of located.ok ? located.images : []) {
      if (entry.status !== 'image') continue;
      const reference = `${canonicalName(entry.image)}:${effectiveTag(entry.image)}`;
      const digest = entry.image.digest ?? `sha256:${createHash('sha256').update(reference).digest('hex')}`;
      if (!digests.has(reference) || entry.image.digest) digests.set(reference, digest);
    }
  }
  return parseImagesFile(
    JSON.stringify({ images: Object.fromEntries([...digests].map(([reference, digest]) => [reference, { digest }])) }),
  );
}

/** The images named anywhere in the corpus (`../shared/corpus/workflows`). */
export async function corpusImages(corpusDir: string): Promise<FakeImage[]> {
  const entries = (await readdir(corpusDir, { recursive: true, withFileTypes: true })).filter((entry) =>
    entry.isFile(),
  );
  const files = await Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      return {
        path: relative(corpusDir, path)
          .split('\\')
          .join('/')
          .replace(/^[^/]+\//, ''),
        text: await readFile(path, 'utf8'),
      };
    }),
  );
  return imagesNamedIn(files);
}
