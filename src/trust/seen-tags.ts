// The first commit each full-version tag named, kept in memory (one process; the fleet keeps it
// in Redis, `scale/redis-seen-tags.ts`). Bounded: the least recently used repositories go first.
import { LRUCache } from 'lru-cache';
import type { SeenTags } from './sources.js';

/** Months: a release tag that moves after that is still worth an alarm, but memory is bounded. */
export const SEEN_TAGS_TTL_MS = 180 * 86_400_000;
/** What one process keeps of first commits, here or as a replica's copy of the fleet's: repositories (least recently used go first), and tags in each. */
export const SEEN_TAGS_KEPT = { repositories: 5_000, tagsPerRepository: 2_000 } as const;

export function createMemorySeenTags(
  options: { maxRepositories?: number; maxTagsPerRepository?: number } = {},
): SeenTags {
  const maxTags = options.maxTagsPerRepository ?? SEEN_TAGS_KEPT.tagsPerRepository;
  const repositories = new LRUCache<string, Map<string, string>>({
    max: options.maxRepositories ?? SEEN_TAGS_KEPT.repositories,
    ttl: SEEN_TAGS_TTL_MS,
  });
  return {
    async remember(repository, tags) {
      const key = repository.toLowerCase();
      const known = repositories.get(key) ?? new Map<string, string>();
      for (const { tag, commit } of tags) if (!known.has(tag) && known.size < maxTags) known.set(tag, commit);
      repositories.set(key, known);
      return new Map(tags.flatMap(({ tag }) => (known.has(tag) ? [[tag, known.get(tag)!] as const] : [])));
    },
  };
}
