// Registry answers from a fake-registry images file, without HTTP: for focused unit tests of the
// image pipeline (the HTTP path is tested against the loopback fake registry).
import { readFileSync } from 'node:fs';
import { parseImagesFile } from '../../src/fake-registry/images-file.js';
import { canonicalName, effectiveTag } from '../../src/images/image-reference.js';
import { imageKey } from '../../src/images/registry/digest-resolver.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from '../../src/images/registry/digest-resolver.js';

export function imageTableResolver(imagesFile: string): ImageDigestResolver & { asked: string[] } {
  const table = new Map(parseImagesFile(readFileSync(imagesFile, 'utf8')).map((image) => [`${image.name}:${image.tag}`, image]));
  const asked: string[] = [];
  return {
    asked,
    async resolve(images) {
      const answers = new Map<ImageKey, ImageResolution>();
      for (const image of images) {
        const name = `${canonicalName(image)}:${effectiveTag(image)}`;
        asked.push(name);
        const found = table.get(name);
        answers.set(imageKey(image), found ? { status: 'resolved', digest: found.digest, mediaType: found.mediaType, method: 'HEAD' } : { status: 'not-found', reason: `${image.registry} has no such image or tag (404)` });
      }
      return answers;
    },
    stats: () => ({ asked: asked.length, fromCache: 0, requests: asked.length, byMethod: {} }),
  };
}
