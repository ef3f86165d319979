// The organisation dashboard's facts for a fleet: every replica records its runs' outcomes in one
// hash per installation and writes the dashboard from all of them, one replica at a time (a lock
// that expires, so a replica killed while writing holds nobody up for long) and once an interval
// for the whole fleet (a key that lives as long as the interval, taken by the replica that writes).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { DashboardStore } from '../dashboard/dashboard-store.js';
import type { RepositoryStatus } from '../dashboard/org-status.js';
import { redisKey } from './redis-keys.js';
import { redisScript } from './redis-script.js';

const LOCK_MS = 60_000;
/** Kept a while after the last run: an installation's dashboard facts are rebuilt by its next runs. */
const KEEP_MS = 30 * 24 * 3600_000;
const RELEASE = redisScript(
  'pinwardenDashboardRelease',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
  1,
);

export function createRedisDashboardStore(redis: Redis): DashboardStore {
  const statuses = (installationId: number) => redisKey('dashboard', installationId, 'statuses');
  const repositories = (installationId: number) => redisKey('dashboard', installationId, 'repositories');
  const lock = (installationId: number) => redisKey('dashboard', installationId, 'lock');
  const interval = (installationId: number) => redisKey('dashboard', installationId, 'interval');
  return {
    async know(installationId, names) {
      if (names.length === 0) return;
      await redis
        .multi()
        .sadd(repositories(installationId), ...names.map((name) => name.toLowerCase()))
        .pexpire(repositories(installationId), KEEP_MS)
        .exec();
    },
    async record(installationId, status) {
      const name = status.repository.toLowerCase();
      await redis
        .multi()
        .hset(statuses(installationId), name, JSON.stringify(status))
        .pexpire(statuses(installationId), KEEP_MS)
        .sadd(repositories(installationId), name)
        .pexpire(repositories(installationId), KEEP_MS)
        .exec();
    },
    async read(installationId) {
      const [held, count] = await Promise.all([
        redis.hvals(statuses(installationId)),
        redis.scard(repositories(installationId)),
      ]);
      return { statuses: held.map((value) => JSON.parse(value) as RepositoryStatus), repositories: count };
    },
    async claimWrite(installationId, intervalMs) {
      if ((await redis.set(interval(installationId), '1', 'PX', intervalMs, 'NX')) === 'OK') return 0;
      // Gone between the two calls: free now, and the next claim takes it.
      return Math.max(1, await redis.pttl(interval(installationId)));
    },
    async exclusive(installationId, work) {
      const token = randomUUID();
      if ((await redis.set(lock(installationId), token, 'PX', LOCK_MS, 'NX')) !== 'OK') return undefined;
      try {
        return await work();
      } finally {
        await RELEASE.run(redis, [lock(installationId)], [token]);
      }
    },
    async forget(installationId) {
      await redis.del(
        statuses(installationId),
        repositories(installationId),
        lock(installationId),
        interval(installationId),
      );
    },
  };
}
