import { describe, expect, it } from 'vitest';
import {
  fleetRound,
  fleetSummary,
  replicaWallSeconds,
  singleWallSeconds,
} from '../../src/dev/bench/fleet-ratio-parts.js';

describe("the fleet ratio's parts", () => {
  it("reads the single process's dry-run wall from the org benchmark's JSON, and says when it is not there", () => {
    const result = {
      rows: [
        { variant: 'naive', wallSeconds: 9 },
        { variant: 'pinwarden-dry', wallSeconds: 23.4 },
      ],
    };
    expect(singleWallSeconds(JSON.stringify(result))).toBe(23.4);
    expect(() => singleWallSeconds(JSON.stringify({ rows: [{ variant: 'naive', wallSeconds: 9 }] }))).toThrow(
      /no pinwarden-dry row/,
    );
  });

  it("reads one replica's read-and-plan wall from the rows the replicas benchmark prints", () => {
    const stderr = [
      '1 replica(s), read and plan of 1000 repositories…',
      '  {"replicas":2,"kind":"read and plan","repositories":1000,"seconds":9}',
      '  {"replicas":1,"kind":"rollout","repositories":200,"seconds":40}',
      '  {"replicas":1,"kind":"read and plan","repositories":1000,"seconds":6.5,"cpu":{"replicas":8}}',
    ].join('\n');
    expect(replicaWallSeconds(stderr)).toBe(6.5);
    expect(() => replicaWallSeconds('  {"replicas":2,"kind":"read and plan","seconds":9}')).toThrow(
      /no one-replica read-and-plan row/,
    );
  });

  it('divides the replica by the single process, and sums the rounds up by their median and largest', () => {
    expect(fleetRound(25, 30)).toEqual({ single: 25, replica: 30, ratio: 1.2 });
    const rounds = [fleetRound(20, 30), fleetRound(20, 22), fleetRound(20, 25)];
    expect(fleetSummary(rounds)).toEqual({ median: 1.25, largest: 1.5 });
    // Two rounds: the upper of the middles, as every benchmark here reports a median (median.ts).
    expect(fleetSummary(rounds.slice(0, 2))).toEqual({ median: 1.5, largest: 1.5 });
    expect(() => fleetSummary([])).toThrow();
  });
});
