// Which replicas are alive: each beats every few seconds into one sorted set (its id, scored by
// the time of its last beat), and a replica whose beat is older than three intervals is gone.
// What a replica does only for the others (a copy of each read for their runs) it skips alone.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKey } from './redis-keys.js';

export const BEAT_MS = 5_000;
const REPLICAS = redisKey('replicas');

export interface FleetPresence {
  /** Whether another replica has beaten lately (asked of Redis at most once a second; yes while Redis is away). */
  othersAlive(): Promise<boolean>;
  /** Stops beating and leaves the set. */
  close(): Promise<void>;
}

export function joinFleet(
  redis: Redis,
  options: { beatMs?: number; cacheMs?: number; now?: () => number } = {},
): FleetPresence {
  const id = randomUUID();
  const beatMs = options.beatMs ?? BEAT_MS;
  const cacheMs = options.cacheMs ?? 1_000;
  const now = options.now ?? Date.now;
  const alive = () => now() - 3 * beatMs;
  // Only while connected: commands wait for a reconnection, and beats must not pile up meanwhile.
  const beat = async () => {
    if (redis.status !== 'ready') return;
    await redis.zadd(REPLICAS, now(), id);
    await redis.zremrangebyscore(REPLICAS, '-inf', `(${alive()}`);
  };
  // A beat that fails is the outage the fleet's client already logs; the next one tries again.
  void beat().catch(() => undefined);
  const timer = setInterval(() => void beat().catch(() => undefined), beatMs);
  timer.unref();
  let known: { at: number; others: boolean } | undefined;
  // The question on its way, which every caller meanwhile shares: a wave's keeps ask all at once,
  // and each asked Redis itself (one command a repository) until the first answer came back.
  let asking: Promise<boolean> | undefined;
  const ask = async () => {
    try {
      const replicas = await redis.zrangebyscore(REPLICAS, alive(), '+inf');
      known = { at: now(), others: replicas.some((replica) => replica !== id) };
      return known.others;
    } finally {
      asking = undefined;
    }
  };
  return {
    async othersAlive() {
      if (known && now() - known.at < cacheMs) return known.others;
      if (redis.status !== 'ready') return true;
      return (asking ??= ask());
    },
    async close() {
      clearInterval(timer);
      if (redis.status === 'ready') await redis.zrem(REPLICAS, id).catch(() => undefined);
    },
  };
}
