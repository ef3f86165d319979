// An image's digest as pinwarden asks for it: the key an answer is kept under, the answer, and the
// port every reader of digests is handed (the registries' HTTP adapter in registry/, a data file
// for the CLI and tests, or a refusal that says why no registry may be asked).
import { canonicalName, effectiveTag } from './image-reference.js';
import type { ImageRef } from './image-reference.js';
import type { SignatureFacts, SignatureKey, SignatureTarget } from './signatures.js';

export type ImageKey = string & { readonly __imageKey: unique symbol };

export type ImageResolution =
  | {
      readonly status: 'resolved';
      readonly digest: string;
      readonly mediaType: string | undefined;
      readonly method: 'HEAD' | 'GET';
    }
  | { readonly status: 'not-found'; readonly reason: string }
  | {
      readonly status: 'failed';
      readonly reason: string;
      readonly retryAfterMs?: number;
      readonly httpStatus?: number;
    };

/** `docker.io/library/node:20`: what an answer is cached under. */
export function imageKey(image: Pick<ImageRef, 'registry' | 'repository' | 'tag'>): ImageKey {
  return `${canonicalName(image)}:${effectiveTag(image)}` as ImageKey;
}

export interface ImageDigestResolver {
  resolve(images: readonly ImageRef[]): Promise<Map<ImageKey, ImageResolution>>;
  /** The host a registry's images are pulled through, when a mirror stands in for it (the cluster's allowlist names it). */
  mirrorHost?(registry: string): string | undefined;
  /** The signatures beside these digests, checked; absent: this resolver does not read signatures. */
  signatures?(targets: readonly SignatureTarget[]): Promise<Map<SignatureKey, SignatureFacts>>;
  stats(): {
    readonly asked: number;
    readonly fromCache: number;
    readonly requests: number;
    readonly byMethod: Readonly<Record<string, number>>;
  };
}

/** How an answer that no registry gave begins. */
export const NOT_ASKED = 'not asked';

/** No registry may be asked: every image answers with the reason, so each line says it. */
export function unaskedResolver(why: string): ImageDigestResolver {
  return {
    resolve: async (images) =>
      new Map(images.map((image) => [imageKey(image), { status: 'failed', reason: `${NOT_ASKED}: ${why}` } as const])),
    stats: () => ({ asked: 0, fromCache: 0, requests: 0, byMethod: {} }),
  };
}
