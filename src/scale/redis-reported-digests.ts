// What pinwarden last told GitHub of each repository, for the whole fleet: one key each
// (`pinwarden:reported:{kind}:{owner/repo}`), expiring as the in-process store's entries do.
import type { Redis } from 'ioredis';
import { REPORTED_TTL_MS } from '../report/reported-digests.js';
import type { ReportedDigests } from '../report/reported-digests.js';
import { redisKey } from './redis-keys.js';

export function createRedisReportedDigests(redis: Redis): ReportedDigests {
  return {
    async get(key) {
      return (await redis.get(redisKey('reported', key))) ?? undefined;
    },
    async set(key, digest, ttlMs = REPORTED_TTL_MS) {
      await redis.set(redisKey('reported', key), digest, 'PX', ttlMs);
    },
  };
}
