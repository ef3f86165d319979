// Opt-outs people write on the line itself: `# pinwarden:ignore`, and ratchet's
// `# ratchet:exclude` so a repository moving from ratchet keeps the exclusions it has.
import type { UsesSite } from './types.js';

const MARKERS = /(?:^|[\s#])(pinwarden:ignore|ratchet:exclude)(?=$|[\s,;.])/;

/** The marker on the reference's line, when there is one. */
export function inlineIgnoreMarker(site: Pick<UsesSite, 'comment'>): string | undefined {
  return site.comment ? MARKERS.exec(site.comment.text)?.[1] : undefined;
}
