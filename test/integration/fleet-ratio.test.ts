// `npm run bench:fleet-ratio` end to end, small: the single process and one replica read and plan
// the same organisation in turns, each round's ratio is the replica's wall over the single
// process's, and the last line sums the rounds up. (Needs the build: npm test builds first; the
// org benchmark draws its organisation from the shared corpus.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fleetSummary } from '../../src/dev/bench/fleet-ratio-parts.js';
import type { FleetRound } from '../../src/dev/bench/fleet-ratio-parts.js';
import { redisServerPath } from '../../src/dev/local-run/cluster.js';
import { corpusAvailable, repoRoot } from '../support/paths.js';

it.skipIf(!corpusAvailable || !redisServerPath())(
  'alternates the single process and a replica, and prints each round and their median',
  () => {
    const script = join(repoRoot, 'dist-dev', 'dev', 'bench', 'fleet-ratio.js');
    const run = spawnSync(process.execPath, [script, '--repos', '10', '--rounds', '2'], {
      encoding: 'utf8',
      timeout: 150_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as FleetRound & { round: number });
    expect(lines).toHaveLength(3);
    const rounds = lines.slice(0, 2);
    rounds.forEach((round, index) => {
      expect(round.round).toBe(index + 1);
      expect(round.single).toBeGreaterThan(0);
      expect(round.replica).toBeGreaterThan(0);
      expect(round.ratio).toBe(Math.round((round.replica / round.single) * 100) / 100);
    });
    expect(lines[2]).toEqual({ repositories: 10, ...fleetSummary(rounds) });
  },
  180_000,
);
