// One file's images through locate → plan → splice → verify. Unless every edit is provably safe
// (safe-image-edits.ts), the rewritten text is located again and compared with the plan (every pinned image holds its digest, every other image is as it
// was), and a YAML file is compared node by node with the original: a file whose rewrite does not
// verify is reported with the reason and never written.
import { applyEdits } from '../rewrite/apply-edits.js';
import { verifyRewrite } from '../rewrite/verify-rewrite.js';
import { locateImages } from './locate-image-file.js';
import type { YamlImageContext } from './locate-yaml-images.js';
import { planImages } from './plan-images.js';
import { imageEditsAreProvablySafe } from './safe-image-edits.js';
import type { ImagePlanEntry, SignatureContext } from './plan-images.js';
import type { ImageKey, ImageResolution } from './image-digests.js';
import type { ImageFileKind, LocatedImage } from './types.js';

export type ImageFileRewrite =
  | { readonly status: 'unchanged'; readonly entries: readonly ImagePlanEntry[] }
  | { readonly status: 'rewritten'; readonly entries: readonly ImagePlanEntry[]; readonly text: string }
  | { readonly status: 'rejected'; readonly entries: readonly ImagePlanEntry[]; readonly problem: string };

export function rewriteImages(input: {
  readonly text: string;
  readonly kind: ImageFileKind;
  readonly images: readonly LocatedImage[];
  readonly resolutions: ReadonlyMap<ImageKey, ImageResolution>;
  readonly ignore?: (located: Extract<LocatedImage, { status: 'image' }>) => boolean;
  readonly signatures?: SignatureContext;
  /** The context to locate the rewritten text with (its `uses:` located again, the chart's templates). */
  readonly contextOf: (text: string) => YamlImageContext;
}): ImageFileRewrite {
  const entries = planImages(input.images, input.resolutions, input.ignore, input.signatures);
  const pins = entries.flatMap((entry) => (entry.action === 'pin' ? [entry] : []));
  if (pins.length === 0) return { status: 'unchanged', entries };
  let text: string;
  try {
    text = applyEdits(
      input.text,
      pins.flatMap((pin) => pin.edits),
    );
  } catch (error) {
    return {
      status: 'rejected',
      entries,
      problem: `pinwarden could not rewrite this file: ${(error as Error).message}`,
    };
  }
  // A Dockerfile is always read again (it is not YAML); a YAML file only when an edit could mean more than it says.
  if (input.kind !== 'dockerfile' && imageEditsAreProvablySafe(input.text, pins))
    return { status: 'rewritten', entries, text };
  const problem = verifyImageRewrite(input, entries, text);
  return problem ? { status: 'rejected', entries, problem } : { status: 'rewritten', entries, text };
}

/** The full check of a rewrite: the new text located again and, for YAML, compared node by node with the original. */
export function verifyImageRewrite(
  input: Parameters<typeof rewriteImages>[0],
  entries: readonly ImagePlanEntry[],
  text: string,
): string | undefined {
  const again = locateImages(text, input.kind, input.contextOf(text));
  if (!again.ok) return `the rewritten file cannot be read: ${again.error}`;
  if (again.images.length !== entries.length)
    return `the rewritten file names ${again.images.length} images, the original ${entries.length}`;
  for (const [index, entry] of entries.entries()) {
    const now = again.images[index]!;
    const want = entry.action === 'pin' ? entry.after : entry.located.site.written;
    if (now.site.written !== want)
      return `line ${now.site.line}: holds ${JSON.stringify(now.site.written)}, planned ${JSON.stringify(want)}`;
  }
  if (input.kind === 'dockerfile') return undefined;
  const expected = new Map<number, string>();
  const addedDigests = new Map<number, string>();
  // A Dockerfile inside a scalar holds each of its digests where its image ends.
  const inline = new Map<number, { text: string; inserts: { at: number; text: string }[] }>();
  for (const entry of entries) {
    if (entry.action !== 'pin' || !entry.located.site.edit) continue;
    const edit = entry.located.site.edit;
    if (edit.how === 'text' && edit.within) {
      const held = inline.get(edit.within.nodeStart) ?? { text: edit.within.text, inserts: [] };
      held.inserts.push({ at: edit.within.end, text: `@${entry.digest}` });
      inline.set(edit.within.nodeStart, held);
    } else if (edit.how === 'scalar') expected.set(edit.site.nodeStart, `${edit.prefix}${entry.after}`);
    else if (edit.how === 'digest-key' && edit.existing) expected.set(edit.existing.nodeStart, entry.digest);
    else if (edit.how === 'digest-key') addedDigests.set(edit.mapStart, entry.digest);
  }
  for (const [nodeStart, { text: before, inserts }] of inline)
    expected.set(
      nodeStart,
      applyEdits(
        before,
        inserts.map(({ at, text: digest }) => ({ start: at, end: at, text: digest })),
      ),
    );
  const verification = verifyRewrite({ original: input.text, updated: text, expected, addedDigests });
  return verification.ok ? undefined : verification.problem;
}
