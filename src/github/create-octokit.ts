// The one Octokit class pinwarden uses: Probot's (throttling, retry, pagination, enterprise
// compatibility), with rate-limit handlers that wait as GitHub says and give up after a few
// tries. Probot's own secondary-limit handler never retries; GitHub's docs ask us to wait for
// `retry-after` and try again, so we do, a bounded number of times.
import { ProbotOctokit } from 'probot';

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

// Octokit.defaults merges options shallowly: a caller's `throttle: {…}` would replace these
// handlers wholesale (and Probot's retry-forever ones would return), so merge them here.
export const PinwardenOctokit = ProbotOctokit.defaults((options: { throttle?: Record<string, unknown> } & Record<string, unknown>) => ({
  userAgent: 'pinwarden',
  ...options,
  throttle: { ...throttleOptions(), ...options.throttle },
}));

export type PinwardenOctokitInstance = InstanceType<typeof PinwardenOctokit>;

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit for the CLI: a token, GitHub's API or an Enterprise/fake base URL.
 * `msPerRetrySecond` scales every wait GitHub asks for (tests shrink it; real use keeps 1000).
 */
export function createTokenOctokit(options: { token: string; baseUrl: string; log?: Logger; msPerRetrySecond?: number }): PinwardenOctokitInstance {
  const scale = options.msPerRetrySecond ?? 1000;
  return new PinwardenOctokit({
    auth: { token: options.token },
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    log: options.log ?? quiet,
    retry: { retryAfterBaseValue: scale },
    throttle: throttleOptions(scale),
  });
}
