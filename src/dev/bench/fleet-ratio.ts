// `npm run bench:fleet-ratio [-- --repos N --rounds K]` (after `npm run build`): issue 32's fleet
// target in one command. The single process (`org-benchmark.js --variants pinwarden-dry`) and one
// fleet replica (`replicas-benchmark.js --replicas 1 --phases read`) read and plan the same
// organisation in turns, so this VM's drift falls on both alike: each round prints the replica's
// wall over the single process's, and the last line the median and the largest of them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fleetRound, fleetSummary, replicaWallSeconds, singleWallSeconds } from './fleet-ratio-parts.js';
import type { FleetRound } from './fleet-ratio-parts.js';
import { runNode } from './run-node.js';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
  },
});
const here = import.meta.dirname;

/** Runs a benchmark to its end: its stderr, where both print their rows. */
const run = async (script: string, args: string[]) => (await runNode([join(here, script), ...args])).stderr;

const directory = await mkdtemp(join(tmpdir(), 'pinwarden-fleet-ratio-'));
try {
  const rounds: FleetRound[] = [];
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    const json = join(directory, `single-${round}.json`);
    await run('org-benchmark.js', [
      '--repos',
      values.repos,
      '--variants',
      'pinwarden-dry',
      '--no-write',
      '--json',
      json,
    ]);
    const single = singleWallSeconds(await readFile(json, 'utf8'));
    const replica = replicaWallSeconds(
      await run('replicas-benchmark.js', ['--repos', values.repos, '--replicas', '1', '--phases', 'read']),
    );
    rounds.push(fleetRound(single, replica));
    process.stdout.write(`${JSON.stringify({ round, ...rounds.at(-1)! })}\n`);
  }
  process.stdout.write(`${JSON.stringify({ repositories: Number(values.repos), ...fleetSummary(rounds) })}\n`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
