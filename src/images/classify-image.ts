// From a site and the text found there to what it is: an image, something that only looks like
// one, or a value pinwarden cannot read. Shared by every locator.
import { parseImageRef } from './image-reference.js';
import type { ImageSite, LocatedImage } from './types.js';

export function classifyImage(site: ImageSite): LocatedImage {
  const parsed = parseImageRef(site.written.trim());
  return parsed.ok
    ? { status: 'image', site, image: parsed.image }
    : { status: 'unreadable', site, why: parsed.reason };
}
