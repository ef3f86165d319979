// Ref resolutions and the audit's facts through the fleet's shared cache, per installation (what
// a private repository's refs say is that installation's to know). TTLs as the process caches
// keep them: a resolved tag ten minutes (tags are what attackers move), a missing ref one minute,
// a failure not at all (registry digests likewise); the advisory database an hour; a commit's manifest a day (it never
// changes); whether a branch holds a commit an hour.
import { manifestKey, reachabilityKey } from '../audit/audit-facts.js';
import type { ActionAdvisory, AuditFacts, Reachability } from '../audit/audit-facts.js';
import { createHash } from 'node:crypto';
import { imageKey } from '../images/image-digests.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from '../images/image-digests.js';
import type { RefKey, RefResolver, Resolution } from '../resolve/types.js';
import { uniqueRequests } from '../resolve/types.js';
import { localCopy, throughSharedCache } from './shared-cache.js';
import type { SharedCache } from './shared-cache.js';

const MINUTE = 60_000;
export const SHARED_TTL_MS = {
  resolved: 10 * MINUTE,
  missing: MINUTE,
  advisories: 60 * MINUTE,
  manifest: 24 * 60 * MINUTE,
  reachability: 60 * MINUTE,
} as const;

export function withSharedResolutions(inner: RefResolver, cache: SharedCache, installationId: number): RefResolver {
  return {
    async resolve(requests) {
      const unique = uniqueRequests(requests);
      return throughSharedCache<Resolution>(
        cache,
        `${installationId}:refs`,
        [...unique.keys()],
        async (missing) => inner.resolve(missing.map((key) => unique.get(key as RefKey)!)),
        (answer) =>
          answer.status === 'resolved'
            ? SHARED_TTL_MS.resolved
            : answer.status === 'not-found' || answer.status === 'no-access'
              ? SHARED_TTL_MS.missing
              : undefined,
      ) as Promise<Map<RefKey, Resolution>>;
    },
  };
}

export function withSharedAuditFacts(inner: AuditFacts, cache: SharedCache, installationId: number): AuditFacts {
  const advisories = localCopy<readonly ActionAdvisory[]>(1);
  const manifests = localCopy<{ text: string | null }>();
  const reachable = localCopy<Reachability>();
  return {
    resolve: (requests) => inner.resolve(requests),
    ...(inner.repositoriesNamed ? { repositoriesNamed: inner.repositoriesNamed.bind(inner) } : {}),
    ...(inner.workflowRuns ? { workflowRuns: inner.workflowRuns.bind(inner) } : {}),
    ...(inner.filesAt ? { filesAt: inner.filesAt.bind(inner) } : {}),
    ...(inner.trust ? { trust: inner.trust } : {}),
    async advisories() {
      const held = await throughSharedCache(
        cache,
        'global:advisories',
        ['all'],
        async () => {
          const advisories = await inner.advisories();
          return new Map(advisories ? [['all', advisories]] : []);
        },
        () => SHARED_TTL_MS.advisories,
        advisories,
      );
      return held.get('all');
    },
    async manifests(questions) {
      const byKey = new Map(questions.map((question) => [manifestKey(question), question]));
      // No manifest is kept as null: JSON has no undefined.
      const held = await throughSharedCache<{ text: string | null }>(
        cache,
        `${installationId}:manifests`,
        [...byKey.keys()],
        async (missing) => {
          const answers = await inner.manifests(missing.map((key) => byKey.get(key)!));
          return new Map(missing.map((key) => [key, { text: answers.get(key) ?? null }]));
        },
        () => SHARED_TTL_MS.manifest,
        manifests,
      );
      return new Map([...held].map(([key, value]) => [key, value.text ?? undefined]));
    },
    async reachability(questions) {
      const byKey = new Map(questions.map((question) => [reachabilityKey(question), question]));
      // `unknown` is a failure to ask, not an answer: not kept.
      return throughSharedCache<Reachability>(
        cache,
        `${installationId}:reachability`,
        [...byKey.keys()],
        async (missing) => inner.reachability(missing.map((key) => byKey.get(key)!)),
        (answer) => (answer === 'unknown' ? undefined : SHARED_TTL_MS.reachability),
        reachable,
      );
    },
  };
}

/**
 * Registry digests through the shared cache, in a namespace per mirror set (`scope`): the same
 * image through another mirror is asked again. A tag's digest ten minutes, as a ref's; a missing
 * image a minute; a failure not at all.
 */
export function withSharedDigests(inner: ImageDigestResolver, cache: SharedCache, scope: string): ImageDigestResolver {
  const namespace = `global:digests:${createHash('sha256').update(scope).digest('hex').slice(0, 16)}`;
  const held = localCopy<ImageResolution>();
  return {
    stats: () => inner.stats(),
    // Signatures are read per replica (their verification is this process's): not shared.
    ...(inner.signatures ? { signatures: inner.signatures.bind(inner) } : {}),
    ...(inner.mirrorHost ? { mirrorHost: inner.mirrorHost.bind(inner) } : {}),
    async resolve(images) {
      const byKey = new Map(images.map((image) => [imageKey(image), image]));
      return throughSharedCache<ImageResolution>(
        cache,
        namespace,
        [...byKey.keys()],
        async (missing) => inner.resolve(missing.map((key) => byKey.get(key as ImageKey)!)),
        (answer) =>
          answer.status === 'resolved'
            ? SHARED_TTL_MS.resolved
            : answer.status === 'not-found'
              ? SHARED_TTL_MS.missing
              : undefined,
        held,
      ) as Promise<Map<ImageKey, ImageResolution>>;
    },
  };
}
