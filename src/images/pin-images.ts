// The image use case over a set of files already read: locate → one resolver batch for every
// image of every file → plan → splice → verify, per file. Shared by the CLI and the GitHub App.
// Workflow and action files come here after their actions were pinned: their `uses:` are
// located again on that text, so `docker://` steps are read where they now are.
import { imagesToResolve } from './plan-images.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from './image-digests.js';
import { rewriteImages } from './rewrite-images.js';
import { contextFor, locateImageFile } from './locate-image-file.js';
import type { ImageFileRewrite } from './rewrite-images.js';
import type { ImageFile, ImageFileKind, LocateImagesResult, LocatedImage } from './types.js';

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

export async function pinImageFiles(
  files: readonly ImageFile[],
  resolver: ImageDigestResolver,
  ignore?: ImageIgnore,
): Promise<{ files: PinnedImageFile[]; resolutions: Map<ImageKey, ImageResolution> }> {
  const located = files.map(locateImageFile);
  const resolutions = await resolveImages(located, resolver, ignore);
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
  return { files: pinned, resolutions };
}
