// Registry answers from a fake-registry images file, without HTTP: `--registry-data FILE`, for
// offline runs (the demo, air-gapped checks) and focused tests of the image pipeline.
import { readFileSync } from 'node:fs';
import { parseImagesFile } from './images-file.js';
import { canonicalName, effectiveTag } from '../image-reference.js';
import { imageKey } from '../image-digests.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from '../image-digests.js';

export function imageTableResolver(imagesFile: string): ImageDigestResolver & { asked: string[] } {
  return tableDigestResolver(readFileSync(imagesFile, 'utf8'));
}

export function tableDigestResolver(imagesText: string): ImageDigestResolver & { asked: string[] } {
  const table = new Map(parseImagesFile(imagesText).map((image) => [`${image.name}:${image.tag}`, image]));
  const asked: string[] = [];
  return {
    asked,
    async resolve(images) {
      const answers = new Map<ImageKey, ImageResolution>();
      for (const image of images) {
        const name = `${canonicalName(image)}:${effectiveTag(image)}`;
        asked.push(name);
        const found = table.get(name);
        answers.set(
          imageKey(image),
          found
            ? { status: 'resolved', digest: found.digest, mediaType: found.mediaType, method: 'HEAD' }
            : { status: 'not-found', reason: `${image.registry} has no such image or tag (404)` },
        );
      }
      return answers;
    },
    stats: () => ({ asked: asked.length, fromCache: 0, requests: asked.length, byMethod: {} }),
  };
}
