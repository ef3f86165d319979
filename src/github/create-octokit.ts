// The one Octokit class pinwarden uses: Probot's (throttling, retry, pagination, enterprise
// compatibility), with rate-limit handlers that wait as GitHub says and give up after a few
// tries. Probot's own secondary-limit handler never retries; GitHub's docs ask us to wait for
// `retry-after` and try again, so we do, a bounded number of times.
import Bottleneck from 'bottleneck';
import { ProbotOctokit } from 'probot';
import { ContentBudget } from './content-budget.js';

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

/** Bounded waits on both kinds of rate limit; `msPerRetrySecond` scales them (tests shrink it). */
export function throttleOptions(msPerRetrySecond = 1000) {
  return {
    retryAfterBaseValue: msPerRetrySecond,
    onRateLimit: (retryAfter: number, options: ThrottledRequest, octokit: { log: Logger }, retryCount: number) => {
      octokit.log.warn(`rate limit hit on ${options.method} ${options.url}; retry ${retryCount + 1} in ${retryAfter}s`);
      return retryCount < MAX_RATE_LIMIT_RETRIES;
    },
    onSecondaryRateLimit: (retryAfter: number, options: ThrottledRequest, octokit: { log: Logger }, retryCount: number) => {
      octokit.log.warn(`secondary rate limit on ${options.method} ${options.url}; retry ${retryCount + 1} in ${retryAfter}s`);
      return retryCount < MAX_RATE_LIMIT_RETRIES;
    },
  };
}

/**
 * The pacing GitHub asks for, scaled: Octokit's throttling keeps one second between writes (and
 * GraphQL queries) and three between notifying writes (pull requests, comments) per installation.
 * Tests and benchmarks shrink the second; real use keeps 1000 ms. One set of groups per scale,
 * shared by every Octokit of the process, as the plugin shares its own.
 */
const pacingGroups = new Map<number, { write: Bottleneck.Group; notifications: Bottleneck.Group }>();
function pacing(msPerSecond: number) {
  if (!pacingGroups.has(msPerSecond)) {
    pacingGroups.set(msPerSecond, {
      write: new Bottleneck.Group({ id: `pinwarden-write-${msPerSecond}`, maxConcurrent: 1, minTime: msPerSecond }),
      notifications: new Bottleneck.Group({ id: `pinwarden-notifications-${msPerSecond}`, maxConcurrent: 1, minTime: 3 * msPerSecond }),
    });
  }
  return pacingGroups.get(msPerSecond)!;
}

/**
 * pinwarden's Octokit class for a time scale (ms per GitHub second). Octokit.defaults functions
 * run outermost first, so Probot's own handlers (which never retry a secondary limit) arrive in
 * `options.throttle` and ours are put over them; Probot's per-installation `id` is kept.
 */
export function pinwardenOctokitClass(msPerSecond = 1000) {
  return ProbotOctokit.plugin(contentPacing(msPerSecond)).defaults((options: { throttle?: Record<string, unknown>; retry?: Record<string, unknown> } & Record<string, unknown>) => ({
    userAgent: 'pinwarden',
    ...options,
    throttle: { ...options.throttle, ...throttleOptions(msPerSecond), ...(msPerSecond === 1000 ? {} : pacing(msPerSecond)) },
    retry: { ...options.retry, retryAfterBaseValue: msPerSecond },
  }));
}

const budgets = new Map<number, ContentBudget>();
/** Holds content-creating requests to GitHub's hourly limit, per installation (Probot's throttle id). */
function contentPacing(msPerSecond: number) {
  if (!budgets.has(msPerSecond)) budgets.set(msPerSecond, new ContentBudget({ msPerSecond }));
  const budget = budgets.get(msPerSecond)!;
  const plugin: Parameters<typeof ProbotOctokit.plugin>[0] = (octokit, options) => {
    const key = String((options as { throttle?: { id?: unknown } }).throttle?.id ?? 'no-id');
    octokit.hook.before('request', async (request) => {
      if (request.method === 'GET' || request.method === 'HEAD' || /\/access_tokens$/.test(request.url)) return;
      // GraphQL queries read; only mutations create content.
      if (request.url.startsWith('/graphql') && !/^\s*mutation\b/.test(String((request as { query?: unknown }).query ?? ''))) return;
      const wait = budget.reserve(key);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    });
  };
  return plugin;
}

export const PinwardenOctokit = pinwardenOctokitClass();

export type PinwardenOctokitInstance = InstanceType<typeof PinwardenOctokit>;

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit for the CLI: a token, GitHub's API or an Enterprise/fake base URL.
 * `msPerRetrySecond` scales every wait GitHub asks for (tests shrink it; real use keeps 1000).
 */
export function createTokenOctokit(options: { token: string; baseUrl: string; log?: Logger; msPerRetrySecond?: number }): PinwardenOctokitInstance {
  const Octokit = pinwardenOctokitClass(options.msPerRetrySecond ?? 1000);
  return new Octokit({ auth: { token: options.token }, baseUrl: options.baseUrl.replace(/\/+$/, ''), log: options.log ?? quiet });
}
