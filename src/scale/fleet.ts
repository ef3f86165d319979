// A replica's connection to the fleet (REDIS_URL): one Redis client for the queue, the pacing,
// the content budget and the caches (BullMQ opens the blocking connections its workers need),
// and what the server's /ready and /metrics ask of it.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createBullRunQueue, knownInstallations } from './bullmq-run-queue.js';
import { createRedisContentBudget } from './redis-content-budget.js';
import type { SharedContentBudget } from './redis-content-budget.js';
import type { RunQueueFactory } from '../queue/run-queue.js';
import { createRedisSharedCache } from './shared-cache.js';
import type { SharedCache } from './shared-cache.js';
import { createRedisDashboardStore } from './redis-dashboard-store.js';
import type { DashboardStore } from '../dashboard/dashboard-store.js';
import { createPreReads } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';
import { withSharedPreReads } from './redis-pre-reads.js';
import { joinFleet } from './fleet-presence.js';
import { createRedisSeenTags } from './redis-seen-tags.js';
import type { SeenTags } from '../trust/sources.js';
import { createRedisReportedDigests } from './redis-reported-digests.js';
import type { ReportedDigests } from '../report/reported-digests.js';

/** /ready fails when Redis has not answered a PING within this. */
const READY_TIMEOUT_MS = 2_000;

export interface Fleet {
  readonly redis: Redis;
  readonly runQueue: RunQueueFactory;
  readonly sharedCache: SharedCache;
  readonly dashboardStore: DashboardStore;
  /** What scan waves read, for the runs of every replica. */
  readonly preReads: PreReads;
  /** The first commit of each release tag, for every replica. */
  readonly seenTags: SeenTags;
  /** What was last sent to code scanning and the dependency graph, for every replica. */
  readonly reportedDigests: ReportedDigests;
  /** The content budget every replica's writes reserve from, on a time scale. */
  contentBudget(msPerSecond: number): SharedContentBudget;
  budgetLeft(msPerSecond: number): Promise<ReadonlyMap<number, number>>;
  /** Undefined when ready; else why not. */
  ready(): Promise<string | undefined>;
  /** Synchronously: why a webhook cannot be taken now (the connection to Redis is down), else undefined. */
  accepting(): string | undefined;
  close(): Promise<void>;
}

export async function connectFleet(
  url: string,
  options: {
    concurrency: number;
    debounceMs: number;
    lockMs?: number;
    log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  },
): Promise<Fleet> {
  // BullMQ's workers need commands to wait for a reconnection rather than fail after retries. Not
  // lazy: Bottleneck and BullMQ duplicate this client, and a lazy duplicate would never connect.
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', (error) => options.log.warn({ err: error }, 'Redis connection error'));
  try {
    await withTimeout(redis.ping(), 10_000, 'connecting to Redis');
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const presence = joinFleet(redis);
  return {
    redis,
    runQueue: (handlers) =>
      createBullRunQueue(handlers, {
        connection: redis,
        concurrency: options.concurrency,
        debounceMs: options.debounceMs,
        ...(options.lockMs ? { lockMs: options.lockMs } : {}),
        log: options.log,
      }),
    sharedCache: createRedisSharedCache(redis),
    dashboardStore: createRedisDashboardStore(redis),
    preReads: withSharedPreReads(createPreReads(), redis, { othersAlive: presence.othersAlive }),
    seenTags: createRedisSeenTags(redis),
    reportedDigests: createRedisReportedDigests(redis),
    contentBudget: (msPerSecond) => createRedisContentBudget(redis, { msPerSecond }),
    async budgetLeft(msPerSecond) {
      const budget = createRedisContentBudget(redis, { msPerSecond });
      const ids = await knownInstallations(redis);
      const left = await Promise.all(ids.map((id) => budget.left(String(id))));
      return new Map(ids.map((id, index) => [id, left[index]!]));
    },
    accepting() {
      return redis.status === 'ready'
        ? undefined
        : `Redis is not connected (${redis.status}); the work could not be queued`;
    },
    async ready() {
      try {
        const answer = await withTimeout(redis.ping(), READY_TIMEOUT_MS, 'PING');
        return answer === 'PONG' ? undefined : `Redis answered ${answer}`;
      } catch (error) {
        return `Redis cannot be reached: ${(error as Error).message}`;
      }
    },
    async close() {
      await presence.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
