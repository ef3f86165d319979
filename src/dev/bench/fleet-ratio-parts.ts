// What `fleet-ratio.ts` reads from the two benchmarks it alternates, and what it makes of them.
import { median } from './median.js';

/** The single process's wall for its dry run, from `org-benchmark.js --json FILE`'s file. */
export function singleWallSeconds(json: string): number {
  const result = JSON.parse(json) as { rows?: { variant?: string; wallSeconds?: number }[] };
  const row = result.rows?.find((candidate) => candidate.variant === 'pinwarden-dry');
  if (typeof row?.wallSeconds !== 'number') throw new Error('the org benchmark wrote no pinwarden-dry row');
  return row.wallSeconds;
}

/** One replica's wall for reading and planning, from the row `replicas-benchmark.js` prints on stderr. */
export function replicaWallSeconds(stderr: string): number {
  for (const line of stderr.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    const row = JSON.parse(text) as { replicas?: number; kind?: string; seconds?: number };
    if (row.replicas === 1 && row.kind === 'read and plan' && typeof row.seconds === 'number') return row.seconds;
  }
  throw new Error('the replicas benchmark printed no one-replica read-and-plan row');
}

export interface FleetRound {
  readonly single: number;
  readonly replica: number;
  /** The replica's wall over the single process's (issue 32's target: at most 1.2). */
  readonly ratio: number;
}

export function fleetRound(single: number, replica: number): FleetRound {
  return { single, replica, ratio: Math.round((replica / single) * 100) / 100 };
}

/** The rounds' ratios: their median (what a sitting says, as every benchmark here gives it) and the largest. */
export function fleetSummary(rounds: readonly FleetRound[]): { median: number; largest: number } {
  if (rounds.length === 0) throw new Error('no rounds');
  const ratios = rounds.map((round) => round.ratio);
  return { median: median(ratios), largest: Math.max(...ratios) };
}
