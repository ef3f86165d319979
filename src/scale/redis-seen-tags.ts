// The first commit each release tag named, kept in Redis for the whole fleet: one hash per action
// repository (`pinwarden:seen-tags:{owner/repo}`), a field per tag set only when absent (HSETNX),
// so whichever replica saw a tag first decides; kept for months after its last write.
import type { Redis } from 'ioredis';
import { SEEN_TAGS_TTL_MS } from '../trust/seen-tags.js';
import type { SeenTags } from '../trust/sources.js';
import { redisKey } from './redis-keys.js';

export function createRedisSeenTags(redis: Redis): SeenTags {
  return {
    async remember(repository, tags) {
      if (tags.length === 0) return new Map();
      const key = redisKey('seen-tags', repository.toLowerCase());
      const pipeline = redis.pipeline();
      for (const { tag, commit } of tags) pipeline.hsetnx(key, tag, commit);
      pipeline.hmget(key, ...tags.map(({ tag }) => tag));
      pipeline.pexpire(key, SEEN_TAGS_TTL_MS);
      const results = (await pipeline.exec()) ?? [];
      const [error, values] = results[tags.length] ?? [new Error('no answer')];
      if (error) throw error;
      return new Map(
        tags.flatMap(({ tag }, index) => {
          const first = (values as (string | null)[])[index];
          return first ? [[tag, first] as const] : [];
        }),
      );
    },
  };
}
