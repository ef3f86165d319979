// What pinwarden last told GitHub of a repository — its code scanning upload, its dependency
// snapshot — as a digest, so a run sends one only when it changed: each is a write against the
// 500-an-hour content budget. In this process by default; in Redis for a fleet
// (scale/redis-reported-digests.ts), so a restart or another replica does not send it again.
import { LRUCache } from 'lru-cache';

export interface ReportedDigests {
  get(key: string): Promise<string | undefined>;
  /** `ttlMs`: forget it after this (a refusal is tried again a day later: the permission may come). */
  set(key: string, digest: string, ttlMs?: number): Promise<void>;
}

/** Kept for 30 days: then a repository whose answer did not change is told again once. */
export const REPORTED_TTL_MS = 30 * 24 * 3_600_000;
/** One entry a repository and kind: 50,000 covers two kinds for the largest installations. */
const MAX_ENTRIES = 50_000;

export function createMemoryReportedDigests(max = MAX_ENTRIES): ReportedDigests {
  const digests = new LRUCache<string, string>({ max, ttl: REPORTED_TTL_MS });
  return {
    async get(key) {
      return digests.get(key);
    },
    async set(key, digest, ttlMs = REPORTED_TTL_MS) {
      digests.set(key, digest, { ttl: ttlMs });
    },
  };
}
