// From a site and the text found there to what it is: an image, something that only looks like
// one, or a value pinwarden cannot read. Shared by every locator.
import { parseImageRef } from './image-reference.js';
import type { ImageSite, LocatedImage } from './types.js';

/** `reference`: what the site's text expands to, when that is not the text itself (a build argument's default). */
export function classifyImage(site: ImageSite, reference = site.written.trim()): LocatedImage {
  const parsed = parseImageRef(reference);
  return parsed.ok
    ? { status: 'image', site, image: parsed.image }
    : { status: 'unreadable', site, why: parsed.reason };
}
