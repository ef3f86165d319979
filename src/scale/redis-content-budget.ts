// GitHub's content-creation limit for a whole fleet: the times of an installation's reserved
// writes live in a Redis sorted set, and one script both decides the next slot and takes it, so
// any number of replicas together stay within 500 an hour and 80 a minute per installation. The
// rule is content-budget.ts's `nextWriteAt` (its tests pin it down; a test holds the two equal),
// on Redis's clock so that replicas' clocks need not agree.
import type { Redis } from 'ioredis';
import { GITHUB_CONTENT_LIMITS, budgetWindows } from '../github/content-budget.js';
import type { ContentLimits } from '../github/content-budget.js';
import { redisKey } from './redis-keys.js';
import { redisScript } from './redis-script.js';

const RESERVE = redisScript(
  'pinwardenBudgetReserve',
  `
local hour = tonumber(ARGV[1])
local minute = tonumber(ARGV[2])
local perHour = tonumber(ARGV[3])
local perMinute = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - hour)
local n = redis.call('ZCARD', KEYS[1])
local at = now
if n >= perHour then
  local e = redis.call('ZRANGE', KEYS[1], n - perHour, n - perHour, 'WITHSCORES')
  at = math.max(at, tonumber(e[2]) + hour)
end
local m = redis.call('ZCOUNT', KEYS[1], '(' .. (now - minute), '+inf')
if m >= perMinute then
  local e = redis.call('ZRANGE', KEYS[1], n - perMinute, n - perMinute, 'WITHSCORES')
  at = math.max(at, tonumber(e[2]) + minute)
end
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], at, at .. ':' .. seq)
redis.call('PEXPIRE', KEYS[1], hour * 2)
redis.call('PEXPIRE', KEYS[2], hour * 2)
return at - now`,
  2,
);

const LEFT = redisScript(
  'pinwardenBudgetLeft',
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')`,
  1,
);

export interface SharedContentBudget {
  /** Reserves the next write slot for the installation; resolves with how long to wait for it (ms). */
  reserve(key: string): Promise<number>;
  /** Writes left in the installation's current hour. */
  left(key: string): Promise<number>;
}

export function createRedisContentBudget(
  redis: Redis,
  options: { limits?: ContentLimits; msPerSecond?: number; now?: () => number } = {},
): SharedContentBudget {
  const limits = options.limits ?? GITHUB_CONTENT_LIMITS;
  const msPerSecond = options.msPerSecond ?? 1000;
  const { minute, hour } = budgetWindows(msPerSecond);
  return {
    async reserve(key) {
      // `now` is for tests only; without it Redis's clock decides.
      const wait = await RESERVE.run(
        redis,
        [redisKey('budget', key), redisKey('budget-seq', key)],
        [hour, minute, limits.perHour, limits.perMinute, options.now ? options.now() : -1],
      );
      return Number(wait);
    },
    async left(key) {
      return Math.max(0, limits.perHour - Number(await LEFT.run(redis, [redisKey('budget', key)], [hour])));
    },
  };
}
