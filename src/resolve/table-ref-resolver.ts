// A RefResolver over refs data held in memory: the offline resolver of tests, benchmarks and
// the demo, and the reference answer the GitHub adapter must agree with.
import type { RepoRefs } from './repo-refs.js';
import { resolveFromRefs } from './repo-refs.js';
import { refKey } from './types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from './types.js';

export function createTableRefResolver(
  repositories: readonly RepoRefs[],
): RefResolver & { readonly lookups: () => number } {
  const byName = new Map(repositories.map((refs) => [refs.repo.toLowerCase(), refs]));
  let lookups = 0;
  return {
    lookups: () => lookups,
    async resolve(requests: readonly RefRequest[]): Promise<ReadonlyMap<RefKey, Resolution>> {
      const answers = new Map<RefKey, Resolution>();
      for (const request of requests) {
        const key = refKey(request);
        if (answers.has(key)) continue;
        lookups += 1;
        const refs = byName.get(`${request.owner}/${request.repo}`.toLowerCase());
        answers.set(
          key,
          refs
            ? resolveFromRefs(refs, request.ref)
            : {
                status: 'not-found',
                missing: 'repository',
                reason: `repository ${request.owner}/${request.repo} not found`,
              },
        );
      }
      return answers;
    },
  };
}
