// Cost control in front of any resolver: concurrent callers asking for the same `owner/repo@ref`
// share one ask; answers are kept in an LRU with a TTL (an installation's, across its runs):
// resolved ones for the TTL, a missing ref or repository for a minute, a rate limit or failure
// not at all. Refs asked for within `batchWindowMs` of each other, by any caller, go to the
// inner resolver together: concurrent repository runs share one GraphQL query.
import { LRUCache } from 'lru-cache';
import { refKey, uniqueRequests } from './types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from './types.js';

export type ResolutionCache = LRUCache<RefKey, Resolution>;

/** A missing ref or repository is believed for a minute: long enough not to ask again for every repository of an install. */
const NEGATIVE_TTL_MS = 60_000;

/** Tags are exactly what attackers move; a short TTL bounds how long a moved tag is believed. */
export function createResolutionCache(options: { max?: number; ttlMs?: number } = {}): ResolutionCache {
  return new LRUCache({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 10 * 60_000 });
}

export interface CachingResolverOptions {
  /** Cache shared across runs (an installation's). */
  readonly shared?: ResolutionCache;
  /** How long to collect refs from concurrent callers before asking; 0 still joins callers of the same tick. */
  readonly batchWindowMs?: number;
}

type Pending = { readonly request: RefRequest; readonly settle: (answer: Resolution) => void };

export function createCachingResolver(
  inner: RefResolver,
  options: CachingResolverOptions | ResolutionCache = {},
): RefResolver & { readonly stats: () => { asked: number; fromCache: number; sentOn: number; batches: number } } {
  const given = options instanceof LRUCache ? { shared: options } : options;
  const shared = given.shared ?? createResolutionCache();
  const batchWindowMs = given.batchWindowMs ?? 0;
  // Asks in flight only: once settled, a resolved answer lives in the TTL cache and anything
  // else is asked again, so a long-lived resolver (the app's, per installation) never goes stale.
  const memo = new Map<RefKey, Promise<Resolution>>();
  const stats = { asked: 0, fromCache: 0, sentOn: 0, batches: 0 };
  let pending: Pending[] = [];
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    stats.batches += 1;
    stats.sentOn += batch.length;
    inner.resolve(batch.map((entry) => entry.request)).then(
      (answers) => {
        for (const { request, settle } of batch) {
          const key = refKey(request);
          const answer = answers.get(key) ?? { status: 'failed', reason: `no answer for ${key}` };
          if (answer.status === 'resolved') shared.set(key, answer);
          else if (answer.status === 'not-found' || answer.status === 'no-access')
            shared.set(key, answer, { ttl: Math.min(NEGATIVE_TTL_MS, shared.ttl || NEGATIVE_TTL_MS) });
          memo.delete(key);
          settle(answer);
        }
      },
      (error: unknown) => {
        for (const { request, settle } of batch) {
          memo.delete(refKey(request));
          settle({ status: 'failed', reason: `resolving ${refKey(request)} failed: ${(error as Error).message}` });
        }
      },
    );
  };

  return {
    stats: () => ({ ...stats }),
    async resolve(requests: readonly RefRequest[]): Promise<ReadonlyMap<RefKey, Resolution>> {
      const unique = uniqueRequests(requests);
      for (const [key, request] of unique) {
        stats.asked += 1;
        if (memo.has(key)) continue;
        if (shared.has(key)) {
          stats.fromCache += 1;
          continue;
        }
        memo.set(key, new Promise<Resolution>((settle) => pending.push({ request, settle })));
        if (!flushScheduled) {
          flushScheduled = true;
          setTimeout(flush, batchWindowMs);
        }
      }
      const keys = [...unique.keys()];
      const answers = await Promise.all(
        keys.map(
          (key) =>
            memo.get(key) ??
            shared.get(key) ??
            Promise.resolve<Resolution>({ status: 'failed', reason: `no answer for ${key}` }),
        ),
      );
      return new Map(keys.map((key, index) => [key, answers[index]!]));
    },
  };
}
