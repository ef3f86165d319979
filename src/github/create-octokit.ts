// The one Octokit class pinwarden uses: Probot's (throttling, retry, pagination, enterprise
// compatibility), with rate-limit handlers that wait as GitHub says and give up after a few
// tries. Probot's own secondary-limit handler never retries; GitHub's docs ask us to wait for
// `retry-after` and try again, so we do, a bounded number of times.
import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';
import type { Redis } from 'ioredis';
import { ContentBudget } from './content-budget.js';
import { concurrencyGroup, retryingScheduler, spacingGroup } from './in-process-pacing.js';
import { plainGraphqlJson } from './plain-graphql-json.js';
import { fetchOffThread } from '../parallel/fetch-off-thread.js';
import { isGraphqlPath, pathOf } from './request-path.js';
import type { WriteReservations } from './content-budget.js';
import type { PacingGroup } from './in-process-pacing.js';
import type { PinwardenMetrics } from '../server/metrics.js';

export const MAX_RATE_LIMIT_RETRIES = 3;

interface ThrottledRequest {
  readonly method: string;
  readonly url: string;
}

interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * What a fleet of replicas shares: Redis for pacing, the content budget, and the replica's
 * metrics; and whether answers are read off the App's thread.
 */
export interface OctokitFleetOptions {
  /**
   * GraphQL answers sent, read and parsed on a worker thread (parallel/fetch-off-thread.ts): the
   * App's, whose thread runs every repository's run. Not where a fetch is handed in (tests).
   */
  readonly answersOffThread?: boolean;
  readonly redis?: Redis;
  /** The fleet's content budget (scale/redis-content-budget.ts); without it, this process keeps its own. */
  readonly contentBudget?: WriteReservations;
  readonly metrics?: Pick<PinwardenMetrics, 'apiCalls' | 'rateLimitWaits' | 'rateLimitWaitSeconds'>;
}

/** Bounded waits on both kinds of rate limit; `msPerRetrySecond` scales them (tests shrink it). */
export function throttleOptions(msPerRetrySecond = 1000, metrics?: OctokitFleetOptions['metrics']) {
  const waited = (limit: 'primary' | 'secondary', retryAfter: number) => {
    metrics?.rateLimitWaits.inc({ limit });
    metrics?.rateLimitWaitSeconds.inc({ limit }, retryAfter);
  };
  return {
    retryAfterBaseValue: msPerRetrySecond,
    onRateLimit: (retryAfter: number, options: ThrottledRequest, octokit: { log: Logger }, retryCount: number) => {
      octokit.log.warn(`rate limit hit on ${options.method} ${options.url}; retry ${retryCount + 1} in ${retryAfter}s`);
      waited('primary', retryAfter);
      return retryCount < MAX_RATE_LIMIT_RETRIES;
    },
    onSecondaryRateLimit: (
      retryAfter: number,
      options: ThrottledRequest,
      octokit: { log: Logger },
      retryCount: number,
    ) => {
      octokit.log.warn(
        `secondary rate limit on ${options.method} ${options.url}; retry ${retryCount + 1} in ${retryAfter}s`,
      );
      waited('secondary', retryAfter);
      return retryCount < MAX_RATE_LIMIT_RETRIES;
    },
  };
}

/**
 * Bottleneck recreates a clustered limiter's state when Redis has lost it (a restart without
 * persistence) only when the script's error message is exactly `SETTINGS_KEY_NOT_FOUND`; Redis 7
 * says `ERR SETTINGS_KEY_NOT_FOUND`, so every run failed instead, and was dropped. The connection
 * hands Bottleneck the message it recognises, and Bottleneck does the rest.
 */
export function recoveringConnection(connection: Bottleneck.IORedisConnection): Bottleneck.IORedisConnection {
  const scriptArgs = (
    connection as unknown as {
      __scriptArgs__: (
        name: string,
        id: string,
        args: unknown[],
        cb: (error: Error | null, replies: unknown) => void,
      ) => unknown[];
    }
  ).__scriptArgs__.bind(connection);
  Object.assign(connection, {
    __scriptArgs__: (name: string, id: string, args: unknown[], cb: (error: Error | null, replies: unknown) => void) =>
      scriptArgs(name, id, args, (error, replies) => {
        const known = error ? /\b(SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)\b/.exec(error.message)?.[1] : undefined;
        cb(known && error!.message !== known ? new Error(known) : error, replies);
      }),
  });
  // Its duplicated subscriber's errors (Redis down) would otherwise reach the console as plain
  // text; the fleet's own client logs the same outage as JSON.
  connection.on('error', () => undefined);
  return connection;
}

/**
 * GitHub's secondary limit for GraphQL is 2,000 points a minute, a query 1 point (a mutation 5):
 * queries go at most one every 30 ms of GitHub time per installation — not through the one-a-second
 * write gate, which Octokit's throttling puts every `/graphql` request through (at one a second, an
 * installation of 10,000 repositories spent over 20 minutes only reading).
 */
const QUERY_SPACING_SECONDS = 60 / 2_000;

/**
 * The pacing GitHub asks for, scaled: one second between writes and three between notifying writes
 * (pull requests, comments) per installation, queries by their own limit, ten requests at once.
 * Tests and benchmarks shrink the second; real use keeps 1000 ms. With Redis the write spacings are
 * Bottleneck's clustered groups, so every replica keeps to them per installation. One set per scale
 * and store, shared by every Octokit of the process, as the plugin shares its own.
 */
type GroupName = 'global' | 'auth' | 'search' | 'write' | 'notifications' | 'queries';
type Groups = Record<GroupName, PacingGroup> & { connection?: Bottleneck.IORedisConnection };

const pacingGroups = new Map<string, Groups>();
function pacing(msPerSecond: number, redis: Redis | undefined): Groups {
  const key = `${msPerSecond}:${redis ? 'redis' : 'memory'}`;
  if (!pacingGroups.has(key)) {
    const connection = redis ? recoveringConnection(new Bottleneck.IORedisConnection({ client: redis })) : undefined;
    // Only the write spacing is the fleet's, kept in Redis by Bottleneck's clustered groups (whole
    // milliseconds: clustered Bottleneck never runs a job whose minTime has a fraction). Every read
    // through a clustered limiter would cost Redis round trips, and ten reads at once per
    // installation and replica stay far below GitHub's hundred concurrent requests.
    const spaced = (name: string, minTime: number): PacingGroup =>
      connection
        ? new Bottleneck.Group({
            id: `pinwarden-${name}-${msPerSecond}`,
            maxConcurrent: 1,
            minTime: Math.max(1, Math.round(minTime)),
            datastore: 'ioredis',
            connection,
            timeout: 2 * 60 * 1000,
          })
        : spacingGroup(minTime);
    pacingGroups.set(key, {
      global: concurrencyGroup(10),
      auth: concurrencyGroup(1),
      search: spaced('search', 2 * msPerSecond),
      write: spaced('write', msPerSecond),
      notifications: spaced('notifications', 3 * msPerSecond),
      queries: spacingGroup(QUERY_SPACING_SECONDS * msPerSecond),
      // Given to the plugin too: with a connection it gives every job an expiration, so a replica
      // killed while holding a slot frees it after a minute instead of holding it for ever.
      ...(connection ? { connection } : {}),
    });
  }
  return pacingGroups.get(key)!;
}

/**
 * pinwarden's Octokit class for a time scale (ms per GitHub second). Octokit.defaults functions
 * run outermost first, so Probot's own handlers (which never retry a secondary limit) arrive in
 * `options.throttle` and ours are put over them; Probot's per-installation `id` is kept.
 */
export function pinwardenOctokitClass(msPerSecond = 1000, fleet: OctokitFleetOptions = {}) {
  const reserve = budgetFor(msPerSecond, fleet.contentBudget);
  return ProbotOctokit.plugin(plainGraphqlJson).defaults(
    (
      options: {
        throttle?: Record<string, unknown>;
        retry?: Record<string, unknown>;
        request?: { fetch?: typeof fetch } & Record<string, unknown>;
      } & Record<string, unknown>,
    ) => ({
      userAgent: 'pinwarden',
      ...options,
      request: {
        ...options.request,
        fetch: budgetedFetch(
          reserve,
          String(options.throttle?.id ?? 'no-id'),
          options.request?.fetch ?? (fleet.answersOffThread ? fetchOffThread(globalThis.fetch) : globalThis.fetch),
          msPerSecond,
          fleet,
        ),
      },
      throttle: {
        ...options.throttle,
        ...throttleOptions(msPerSecond, fleet.metrics),
        ...throttleGroups(msPerSecond, fleet.redis),
      },
      retry: { ...options.retry, retryAfterBaseValue: msPerSecond },
    }),
  );
}

/**
 * The groups the throttling plugin paces with, and its retry limiter — made per Octokit (the plugin
 * adds its retry handler to it) — which sends a GraphQL query through the query spacing where the
 * plugin would send it through the write gate: the limiter is the one place that sees both the
 * request and the gates it will pass. Bottleneck is still handed over: the plugin makes its event
 * emitter from it.
 */
function throttleGroups(msPerSecond: number, redis: Redis | undefined) {
  const { queries, ...groups } = pacing(msPerSecond, redis);
  const retries = retryingScheduler();
  type Job = (state: { write: PacingGroup }, request: unknown, options: { url: string }) => PromiseLike<unknown>;
  const retryLimiter = {
    schedule: (job: Job, state: { write: PacingGroup }, request: unknown, options: { url: string; query?: unknown }) =>
      retries.schedule(
        job,
        requestKind({ method: 'POST', ...options }) === 'graphql' ? { ...state, write: queries } : state,
        request,
        options,
      ),
    on: retries.on,
  };
  return { Bottleneck, ...groups, retryLimiter };
}

const budgets = new Map<number, ContentBudget>();
/** The hourly budget's bookkeeping: the fleet's when handed one, else this process's. */
function budgetFor(msPerSecond: number, shared: WriteReservations | undefined): (key: string) => Promise<number> {
  if (shared) return async (key) => shared.reserve(key);
  if (!budgets.has(msPerSecond)) budgets.set(msPerSecond, new ContentBudget({ msPerSecond }));
  const budget = budgets.get(msPerSecond)!;
  return async (key) => budget.reserve(key);
}

type RequestKind = 'rest-read' | 'rest-write' | 'graphql' | 'graphql-mutation';

/**
 * The kind of a request, for metrics and for the budget: reads, writes, GraphQL queries and
 * mutations (a GraphQL request told by its path, request-path.ts).
 */
export function requestKind(request: { method: string; url: string; query?: unknown }): RequestKind {
  return kindOf(request.method, pathOf(request.url), request.query);
}

function kindOf(method: string, path: string, query: unknown): RequestKind {
  if (isGraphqlPath(path)) return /^\s*mutation\b/.test(String(query ?? '')) ? 'graphql-mutation' : 'graphql';
  return method === 'GET' || method === 'HEAD' ? 'rest-read' : 'rest-write';
}

/**
 * Every request as it is sent: counted by kind (metrics), and, when it creates content, held to
 * GitHub's hourly limit per installation (Probot's throttle id). Held at the last moment, in the
 * fetch itself, after Octokit's throttling has queued the request: a slot taken earlier (in a
 * request hook) could be sent long after, behind the throttling's queue, and writes reserved an
 * hour apart would then reach GitHub less than an hour apart.
 */
function budgetedFetch(
  reserve: (key: string) => Promise<number>,
  key: string,
  inner: typeof fetch,
  msPerSecond: number,
  fleet: OctokitFleetOptions,
): typeof fetch {
  return async (input, init) => {
    const path = pathOf(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    let query: unknown;
    if (typeof init?.body === 'string' && isGraphqlPath(path)) {
      try {
        query = (JSON.parse(init.body) as { query?: unknown }).query;
      } catch {
        query = undefined;
      }
    }
    const kind = kindOf((init?.method ?? 'GET').toUpperCase(), path, query);
    fleet.metrics?.apiCalls.inc({ kind });
    // Reads, GraphQL queries and the app's own token requests create no content.
    if (kind !== 'rest-read' && kind !== 'graphql' && !/\/access_tokens$/.test(path)) {
      const wait = await reserve(key);
      if (wait > 0) {
        fleet.metrics?.rateLimitWaits.inc({ limit: 'content-budget' });
        fleet.metrics?.rateLimitWaitSeconds.inc({ limit: 'content-budget' }, wait / msPerSecond);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    return inner(input, init);
  };
}

export const PinwardenOctokit = pinwardenOctokitClass();

export type PinwardenOctokitInstance = InstanceType<typeof PinwardenOctokit>;

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit for the CLI: a token, GitHub's API or an Enterprise/fake base URL.
 * `msPerRetrySecond` scales every wait GitHub asks for (tests shrink it; real use keeps 1000).
 */
export function createTokenOctokit(options: {
  token: string;
  baseUrl: string;
  log?: Logger;
  msPerRetrySecond?: number;
}): PinwardenOctokitInstance {
  const Octokit = pinwardenOctokitClass(options.msPerRetrySecond ?? 1000);
  return new Octokit({
    auth: { token: options.token },
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    log: options.log ?? quiet,
  });
}
