// The image use case over a set of files already read: locate → one resolver batch for every
// image of every file → plan → splice → verify, per file. Shared by the CLI and the GitHub App.
// Workflow and action files come here after their actions were pinned: their `uses:` are
// located again on that text, so `docker://` steps are read where they now are.
import { imagesToResolve } from './plan-images.js';
import { imageKey } from './image-digests.js';
import { imageIgnored } from './image-ignore.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from './image-digests.js';
import { rewriteImages } from './rewrite-images.js';
import { contextFor, locateImageFile } from './locate-image-file.js';
import type { ImageFileRewrite } from './rewrite-images.js';
import type { ImageFile, ImageFileKind, LocateImagesResult, LocatedImage } from './types.js';
import type { SignatureContext } from './plan-images.js';
import type { SignatureFacts, SignatureKey, SignatureTarget, VerifyRule } from './signatures.js';

export type PinnedImageFile = {
  readonly path: string;
  readonly kind: ImageFileKind;
  readonly original: string;
  readonly located: LocateImagesResult;
} & (ImageFileRewrite | { readonly status: 'unreadable'; readonly error: string });

export type ImageIgnore = (located: Extract<LocatedImage, { status: 'image' }>) => boolean;

export async function resolveImages(
  located: readonly LocateImagesResult[],
  resolver: ImageDigestResolver,
  ignore?: ImageIgnore,
): Promise<Map<ImageKey, ImageResolution>> {
  const images = located
    .flatMap((result) => (result.ok ? imagesToResolve(result.images, ignore) : []))
    .map((entry) => entry.image);
  return images.length === 0 ? new Map() : resolver.resolve(images);
}

/**
 * The signatures beside every digest the files end with (written, or about to be), when the
 * resolver reads signatures; an empty map when it does not.
 */
export async function readImageSignatures(
  located: readonly LocateImagesResult[],
  resolutions: ReadonlyMap<ImageKey, ImageResolution>,
  resolver: ImageDigestResolver,
  ignore?: ImageIgnore,
): Promise<Map<SignatureKey, SignatureFacts>> {
  if (!resolver.signatures) return new Map();
  const targets = located.flatMap((result) =>
    result.ok
      ? result.images.flatMap((entry): SignatureTarget[] => {
          if (entry.status !== 'image' || imageIgnored(entry.site) || ignore?.(entry)) return [];
          const answer = resolutions.get(imageKey(entry.image));
          const digest = entry.image.digest ?? (answer?.status === 'resolved' ? answer.digest : undefined);
          return digest ? [{ image: entry.image, digest }] : [];
        })
      : [],
  );
  return targets.length === 0 ? new Map() : resolver.signatures(targets);
}

export async function pinImageFiles(
  files: readonly ImageFile[],
  resolver: ImageDigestResolver,
  ignore?: ImageIgnore,
  rules: readonly VerifyRule[] = [],
): Promise<{
  files: PinnedImageFile[];
  resolutions: Map<ImageKey, ImageResolution>;
  signatures: Map<SignatureKey, SignatureFacts>;
}> {
  const located = files.map(locateImageFile);
  const resolutions = await resolveImages(located, resolver, ignore);
  const signatures = await readImageSignatures(located, resolutions, resolver, ignore);
  const context: SignatureContext = { facts: signatures, rules };
  const pinned = files.map((file, index): PinnedImageFile => {
    const result = located[index]!;
    const base = { path: file.path, kind: file.kind, original: file.text, located: result };
    if (!result.ok) return { ...base, status: 'unreadable', error: result.error };
    try {
      return {
        ...base,
        ...rewriteImages({
          text: file.text,
          kind: file.kind,
          images: result.images,
          resolutions,
          ...(ignore ? { ignore } : {}),
          signatures: context,
          contextOf: (text) => contextFor(file, text),
        }),
      };
    } catch (error) {
      return {
        ...base,
        status: 'rejected',
        entries: [],
        problem: `pinwarden could not rewrite this file: ${(error as Error).message}`,
      };
    }
  });
  return { files: pinned, resolutions, signatures };
}
