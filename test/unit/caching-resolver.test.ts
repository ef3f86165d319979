import { describe, expect, it } from 'vitest';
import type { CommitSha } from '../../src/common/commit-sha.js';
import { createCachingResolver, createResolutionCache } from '../../src/resolve/caching-resolver.js';
import { refKey } from '../../src/resolve/types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from '../../src/resolve/types.js';

/** An inner resolver that records each batch it is asked and answers after a tick. */
function recordingResolver(answer: (request: RefRequest) => Resolution) {
  const batches: string[][] = [];
  const resolver: RefResolver = {
    async resolve(requests) {
      batches.push(requests.map((request) => refKey(request)));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return new Map<RefKey, Resolution>(requests.map((request) => [refKey(request), answer(request)]));
    },
  };
  return { resolver, batches };
}

const resolved: Resolution = {
  status: 'resolved',
  sha: 'a'.repeat(40) as CommitSha,
  refType: 'tag',
  tag: 'v1.0.0',
  tagsOnCommit: ['v1', 'v1.0.0'],
  ambiguous: false,
};
const v1 = { owner: 'o', repo: 'r', ref: 'v1' };
const v2 = { owner: 'o', repo: 'r', ref: 'v2' };

describe('createCachingResolver', () => {
  it('asks each ref once per run, even when callers overlap', async () => {
    const { resolver, batches } = recordingResolver(() => resolved);
    const caching = createCachingResolver(resolver);
    const [first, second] = await Promise.all([
      caching.resolve([v1, v2, v1]),
      caching.resolve([{ owner: 'O', repo: 'R', ref: 'v1' }, v2]),
    ]);
    expect(batches).toEqual([['o/r@v1', 'o/r@v2']]);
    expect(first.get(refKey(v1))).toEqual(resolved);
    expect(second.get(refKey(v2))).toEqual(resolved);
    expect(caching.stats()).toEqual({ asked: 4, fromCache: 0, sentOn: 2, batches: 1 });
  });

  it('collects refs from callers within the batch window into one ask, and no ref twice', async () => {
    const { resolver, batches } = recordingResolver(() => resolved);
    const caching = createCachingResolver(resolver, { batchWindowMs: 20 });
    const first = caching.resolve([v1]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = caching.resolve([v1, v2]);
    await Promise.all([first, second]);
    expect(batches).toEqual([['o/r@v1', 'o/r@v2']]);
    // After the window closed, a new ref starts a new ask.
    await caching.resolve([{ owner: 'o', repo: 'r', ref: 'v3' }]);
    expect(batches).toEqual([['o/r@v1', 'o/r@v2'], ['o/r@v3']]);
  });

  it('keeps resolved answers across runs in the shared LRU, but asks again about failures', async () => {
    const { resolver, batches } = recordingResolver((request) =>
      request.ref === 'v1' ? resolved : { status: 'rate-limited', reason: 'later' },
    );
    const cache = createResolutionCache();
    await createCachingResolver(resolver, cache).resolve([v1, v2]);
    const secondRun = createCachingResolver(resolver, cache);
    const answers = await secondRun.resolve([v1, v2]);
    expect(batches).toEqual([['o/r@v1', 'o/r@v2'], ['o/r@v2']]);
    expect(answers.get(refKey(v1))).toEqual(resolved);
    expect(secondRun.stats().fromCache).toBe(1);
  });

  it('forgets cached answers after their time to live', async () => {
    const { resolver, batches } = recordingResolver(() => resolved);
    const cache = createResolutionCache({ ttlMs: 1 });
    await createCachingResolver(resolver, cache).resolve([v1]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await createCachingResolver(resolver, cache).resolve([v1]);
    expect(batches).toHaveLength(2);
  });

  it('turns an inner failure into a failed outcome for every ref of the batch', async () => {
    const caching = createCachingResolver({ resolve: () => Promise.reject(new Error('socket hang up')) });
    const answers = await caching.resolve([v1, v2]);
    expect([...answers.values()].map((answer) => answer.status)).toEqual(['failed', 'failed']);
    expect(answers.get(refKey(v1))).toMatchObject({ reason: expect.stringContaining('socket hang up') });
  });
});

describe('negative answers', () => {
  it('believes a missing ref for a while, so an install does not ask again for every repository', async () => {
    const { resolver, batches } = recordingResolver(() => ({ status: 'not-found', missing: 'ref', reason: 'gone' }));
    const caching = createCachingResolver(resolver);
    await caching.resolve([v1]);
    expect((await caching.resolve([v1])).get(refKey(v1))).toEqual({
      status: 'not-found',
      missing: 'ref',
      reason: 'gone',
    });
    expect(batches).toHaveLength(1);
  });
});
