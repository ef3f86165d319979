// The first commit each release tag named, kept in Redis for the whole fleet: one hash per action
// repository (`pinwarden:seen-tags:{owner/repo}`), a field per tag set only when absent (HSETNX),
// so whichever replica saw a tag first decides; kept for months after its last write.
//
// A first commit never changes once recorded, so each replica keeps the answers it was given and
// asks Redis only for tags it has not seen, and to push the hash's expiry on once an hour: every
// run judges its pins against the same few action repositories, and asking each time was a
// pipeline per repository per run (at 10,000 repositories, the most commands a replica sent).
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { SEEN_TAGS_KEPT, SEEN_TAGS_TTL_MS } from '../trust/seen-tags.js';
import type { SeenTags } from '../trust/sources.js';
import { redisKey } from './redis-keys.js';

/** How often a replica that keeps answering from its own copy still pushes the hash's expiry on. */
export const SEEN_TAGS_REFRESH_MS = 3_600_000;

export function createRedisSeenTags(redis: Redis, options: { now?: () => number } = {}): SeenTags {
  const now = options.now ?? Date.now;
  const known = new LRUCache<string, { firsts: Map<string, string>; refreshedAt: number }>({
    max: SEEN_TAGS_KEPT.repositories,
  });
  return {
    async remember(repository, tags) {
      if (tags.length === 0) return new Map();
      const key = repository.toLowerCase();
      const entry = known.get(key) ?? { firsts: new Map<string, string>(), refreshedAt: -Infinity };
      const asked = tags.filter(({ tag }) => !entry.firsts.has(tag));
      // What Redis answers for the tags asked: kept in the copy while it has room, and answered
      // either way (past the copy's bound, Redis still knows).
      const told = new Map<string, string>();
      if (asked.length > 0 || now() - entry.refreshedAt >= SEEN_TAGS_REFRESH_MS) {
        const hash = redisKey('seen-tags', key);
        const pipeline = redis.pipeline();
        for (const { tag, commit } of asked) pipeline.hsetnx(hash, tag, commit);
        if (asked.length > 0) pipeline.hmget(hash, ...asked.map(({ tag }) => tag));
        pipeline.pexpire(hash, SEEN_TAGS_TTL_MS);
        const results = (await pipeline.exec()) ?? [];
        if (asked.length > 0) {
          const [error, values] = results[asked.length] ?? [new Error('no answer')];
          if (error) throw error;
          asked.forEach(({ tag }, index) => {
            const first = (values as (string | null)[])[index];
            if (!first) return;
            told.set(tag, first);
            if (entry.firsts.size < SEEN_TAGS_KEPT.tagsPerRepository) entry.firsts.set(tag, first);
          });
        }
        entry.refreshedAt = now();
        known.set(key, entry);
      }
      return new Map(
        tags.flatMap(({ tag }) => {
          const first = entry.firsts.get(tag) ?? told.get(tag);
          return first ? [[tag, first] as const] : [];
        }),
      );
    },
  };
}
