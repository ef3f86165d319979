// Cost control in front of any resolver: within one run each `owner/repo@ref` is asked once
// (memoised promises, so concurrent callers share the call, failures included); across runs
// of an installation an LRU with a TTL keeps resolved answers. Only resolved answers outlive
// the run: a rate limit or a missing repository is asked again next time.
import { LRUCache } from 'lru-cache';
import { refKey, uniqueRequests } from './types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from './types.js';

export type ResolutionCache = LRUCache<RefKey, Resolution & { status: 'resolved' }>;

/** Tags are exactly what attackers move; a short TTL bounds how long a moved tag is believed. */
export function createResolutionCache(options: { max?: number; ttlMs?: number } = {}): ResolutionCache {
  return new LRUCache({ max: options.max ?? 10_000, ttl: options.ttlMs ?? 10 * 60_000 });
}

export function createCachingResolver(inner: RefResolver, shared?: ResolutionCache): RefResolver & { readonly stats: () => { asked: number; fromCache: number; sentOn: number } } {
  const memo = new Map<RefKey, Promise<Resolution>>();
  const stats = { asked: 0, fromCache: 0, sentOn: 0 };
  return {
    stats: () => ({ ...stats }),
    async resolve(requests: readonly RefRequest[]): Promise<ReadonlyMap<RefKey, Resolution>> {
      const unique = uniqueRequests(requests);
      const missing: RefRequest[] = [];
      for (const [key, request] of unique) {
        stats.asked += 1;
        if (memo.has(key)) continue;
        const cached = shared?.get(key);
        if (cached) {
          stats.fromCache += 1;
          memo.set(key, Promise.resolve(cached));
          continue;
        }
        missing.push(request);
      }
      if (missing.length > 0) {
        stats.sentOn += missing.length;
        const batch = inner.resolve(missing);
        for (const request of missing) {
          const key = refKey(request);
          memo.set(
            key,
            batch.then(
              (answers) => {
                const answer = answers.get(key) ?? { status: 'failed', reason: `no answer for ${key}` };
                if (answer.status === 'resolved') shared?.set(key, answer);
                return answer;
              },
              (error: unknown) => ({ status: 'failed', reason: `resolving ${key} failed: ${(error as Error).message}` }),
            ),
          );
        }
      }
      const keys = [...unique.keys()];
      const answers = await Promise.all(keys.map((key) => memo.get(key)!));
      return new Map(keys.map((key, index) => [key, answers[index]!]));
    },
  };
}
