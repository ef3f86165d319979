// GitHub's secondary rate limits, as the fake enforces them when asked (benchmarks): at most 100
// requests at once, 2,000 points a minute for GraphQL (a query 1, a mutation 5) and 900 for REST
// (a read 1, anything else 5), on a clock of `msPerSecond` ms a GitHub second. Over a limit the
// answer is GitHub's: 403 with `retry-after` and the "secondary rate limit" message. So a
// benchmark's speed never comes from a rule GitHub would enforce; it counts what was refused.
import type { RequestKind } from './fake-github-server.js';

export const SECONDARY_LIMITS = { concurrent: 100, graphqlPointsPerMinute: 2_000, restPointsPerMinute: 900 } as const;

export interface SecondaryLimits {
  /** Undefined when the request may go; else how many GitHub seconds to wait. */
  admit(kind: RequestKind): number | undefined;
  /** The request admitted earlier has been answered. */
  done(): void;
}

export function createSecondaryLimits(
  msPerSecond: number,
  now: () => number = () => performance.now(),
): SecondaryLimits {
  const minute = 60 * msPerSecond;
  const spent = { graphql: [] as [number, number][], rest: [] as [number, number][] };
  let inFlight = 0;
  return {
    admit(kind) {
      if (inFlight >= SECONDARY_LIMITS.concurrent) return 1;
      const api = kind === 'graphql' || kind === 'graphql-write' ? 'graphql' : 'rest';
      const points = kind === 'graphql' || kind === 'rest-read' ? 1 : 5;
      const limit = api === 'graphql' ? SECONDARY_LIMITS.graphqlPointsPerMinute : SECONDARY_LIMITS.restPointsPerMinute;
      const window = spent[api];
      const at = now();
      while (window.length > 0 && window[0]![0] <= at - minute) window.shift();
      const used = window.reduce((sum, [, cost]) => sum + cost, 0);
      if (used + points > limit) return Math.max(1, Math.ceil((window[0]![0] + minute - at) / msPerSecond));
      window.push([at, points]);
      inFlight += 1;
      return undefined;
    },
    done() {
      inFlight = Math.max(0, inFlight - 1);
    },
  };
}
