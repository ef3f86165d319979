// Whether an image's line opts out of pinning: pinwarden's, ratchet's and zizmor's markers. On its
// own so the gate and `scan` read it without loading the plan and its known-bad data.
import type { ImageSite } from './types.js';

/** Opt-outs on the image's line: pinwarden's, ratchet's, and zizmor's for this very check. */
const IGNORE = /(?:^|[\s#])(pinwarden:ignore|ratchet:exclude|zizmor:\s*ignore\[[^\]]*unpinned-images[^\]]*\])/;

export function imageIgnored(site: Pick<ImageSite, 'comment'>): boolean {
  return site.comment !== undefined && IGNORE.test(site.comment.text);
}
