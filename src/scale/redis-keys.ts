// Every key pinwarden keeps in Redis starts with one prefix (BullMQ's own keys use it too), so an
// operator can see, count or drop them together.
import type { Redis } from 'ioredis';

export const REDIS_PREFIX = 'pinwarden';

export function redisKey(...parts: readonly (string | number)[]): string {
  return [REDIS_PREFIX, ...parts].join(':');
}

/** Deletes the keys matching `pattern`, a page at a time (SCAN never blocks Redis as KEYS would). */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
