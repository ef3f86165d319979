// The fleet's shared caches in Redis: answers GitHub (or a registry) gave one replica serve every
// replica until their TTL, so a restart does not re-resolve the organisation. Values are JSON
// under `pinwarden:cache:{namespace}:{key}`; a namespace that starts with an installation's id is
// that installation's (dropped with it), `global:` ones are public data (the advisory database).
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { deleteMatching, redisKey } from './redis-keys.js';

export interface SharedCache {
  getMany<T>(namespace: string, keys: readonly string[]): Promise<(T | undefined)[]>;
  setMany(namespace: string, entries: readonly { key: string; value: unknown; ttlMs: number }[]): Promise<void>;
  /** Drops everything kept for the installation. */
  forget(installationId: number): Promise<void>;
}

const cacheKey = (namespace: string, key: string) => redisKey('cache', namespace, key);

export function createRedisSharedCache(redis: Redis): SharedCache {
  return {
    async getMany<T>(namespace: string, keys: readonly string[]) {
      if (keys.length === 0) return [];
      const values = await redis.mget(...keys.map((key) => cacheKey(namespace, key)));
      return values.map((value) => {
        if (value === null) return undefined;
        try {
          return JSON.parse(value) as T;
        } catch {
          return undefined;
        }
      });
    },
    async setMany(namespace, entries) {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { key, value, ttlMs } of entries)
        pipeline.set(cacheKey(namespace, key), JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
      await pipeline.exec();
    },
    async forget(installationId) {
      await deleteMatching(redis, `${cacheKey(String(installationId), '')}*`);
    },
  };
}

/**
 * Answers for `keys` through the shared cache: those it holds come from it, the rest from `ask`,
 * then kept for `ttlOf(answer)` ms (undefined: not kept — a failure or a rate limit).
 * A cache that fails is passed by: the answer is asked, never lost. `local`, when given, is this
 * process's copy in front of Redis, kept for the same TTLs.
 */
export async function throughSharedCache<V extends NonNullable<unknown>>(
  cache: SharedCache,
  namespace: string,
  keys: readonly string[],
  ask: (missing: readonly string[]) => Promise<ReadonlyMap<string, V>>,
  ttlOf: (answer: V) => number | undefined,
  local?: LRUCache<string, V>,
): Promise<Map<string, V>> {
  const answers = new Map<string, V>();
  // This process's copy first: a run asks the same few keys again and again.
  const notHere = keys.filter((key) => {
    const value = local?.get(key);
    if (value !== undefined) answers.set(key, value);
    return value === undefined;
  });
  if (notHere.length === 0) return answers;
  const held = await cache.getMany<V>(namespace, notHere).catch(() => notHere.map(() => undefined));
  const missing: string[] = [];
  notHere.forEach((key, index) => {
    const value = held[index];
    if (value === undefined) missing.push(key);
    else {
      answers.set(key, value);
      const ttl = ttlOf(value);
      if (ttl !== undefined) local?.set(key, value, { ttl });
    }
  });
  if (missing.length === 0) return answers;
  const asked = await ask(missing);
  const keep: { key: string; value: unknown; ttlMs: number }[] = [];
  for (const [key, value] of asked) {
    answers.set(key, value);
    const ttlMs = ttlOf(value);
    if (ttlMs === undefined) continue;
    keep.push({ key, value, ttlMs });
    local?.set(key, value, { ttl: ttlMs });
  }
  await cache.setMany(namespace, keep).catch(() => undefined);
  return answers;
}

/** This process's copy of a shared namespace, in front of Redis. */
export function localCopy<V extends NonNullable<unknown>>(max = 10_000): LRUCache<string, V> {
  return new LRUCache<string, V>({ max, ttl: 60_000, allowStale: false });
}
