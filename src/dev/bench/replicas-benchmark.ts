// `npm run bench:replicas [-- --repos N --write-repos N --replicas 1,2,4 --phases read,rollout --latency-ms MS --time-scale K --profile DIR]`:
// the same organisation rolled out by 1, 2 and 4 replicas on one Redis (src/dev/local-run/cluster-rollout.ts),
// twice each: reading and planning every repository (PINWARDEN_DRY_RUN=1), which should scale
// with replicas, and a real rollout on a scaled clock, whose writes should stay at GitHub's bound
// whatever the replica count. Peak RSS per replica (VmHWM) and Redis commands per repository.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { Replica } from '../local-run/cluster.js';
import { rollOutOnCluster } from '../local-run/cluster-rollout.js';
import type { ClusterRollout } from '../local-run/cluster-rollout.js';
import { writeBenchmarkBlock } from './benchmarks-file.js';
import { cpuSecondsOf } from './process-cpu.js';

const root = join(import.meta.dirname, '..', '..', '..');
const shared = join(root, '..', 'shared', 'corpus');
const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '1000' },
    'write-repos': { type: 'string', default: '200' },
    replicas: { type: 'string', default: '1,2,4' },
    'latency-ms': { type: 'string', default: '30' },
    'time-scale': { type: 'string', default: '100' },
    phases: { type: 'string', default: 'read,rollout' },
    write: { type: 'boolean', default: false },
    // Each replica's CPU profile (`--cpu-prof`), written to DIR as it stops (SIGTERM, not SIGKILL).
    profile: { type: 'string' },
  },
});
const counts = values.replicas.split(',').map(Number);
const timeScale = Number(values['time-scale']);

/** The most memory the process ever held (Linux: VmHWM). */
async function peakRssMb(replica: Replica): Promise<number> {
  const status = await readFile(`/proc/${replica.child.pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function redisCommands(rollout: ClusterRollout): Promise<number> {
  const redis = new Redis(rollout.redis.url);
  const info = await redis.info('stats');
  await redis.quit();
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

interface Row {
  readonly replicas: number;
  readonly kind: 'read and plan' | 'rollout';
  readonly repositories: number;
  readonly seconds: number;
  readonly peakRssMb: readonly number[];
  /** CPU seconds of the replicas together, of the fake GitHub and of Redis. */
  readonly cpu: { readonly replicas: number; readonly fake: number; readonly redis: number };
  /** Cores the whole fleet kept busy on average (CPU seconds over wall seconds). */
  readonly coresBusy: number;
  readonly redisCommandsPerRepository: number;
  readonly writes: number | undefined;
  readonly mostInHour: number | undefined;
  readonly writesPerScaledHour: number | undefined;
}

const rows: Row[] = [];
for (const replicas of counts) {
  for (const dryRun of [true, false].filter((dry) => values.phases.split(',').includes(dry ? 'read' : 'rollout'))) {
    const orgSize = Number(dryRun ? values.repos : values['write-repos']);
    process.stderr.write(
      `${replicas} replica(s), ${dryRun ? 'read and plan' : 'rollout'} of ${orgSize} repositories…\n`,
    );
    // Reading and planning paces GraphQL queries as writes (Octokit's throttling does), so it runs
    // on the org benchmark's clock (1 ms a GitHub second); the rollout on the given one.
    const rollout = await rollOutOnCluster({
      refs: join(shared, 'refs'),
      corpus: join(shared, 'workflows'),
      orgSize,
      replicas,
      timeScale: dryRun ? 1000 : timeScale,
      dryRun,
      latencyMs: Number(values['latency-ms']),
      ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
    });
    const peaks = await Promise.all(rollout.replicas.map(peakRssMb));
    const round = (value: number) => Math.round(value * 10) / 10;
    const cpu = {
      replicas: round(
        (await Promise.all(rollout.replicas.map((replica) => cpuSecondsOf(replica.child.pid)))).reduce(
          (sum, value) => sum + value,
          0,
        ),
      ),
      fake: round(await cpuSecondsOf(rollout.fake.child.pid)),
      redis: round(await cpuSecondsOf(rollout.redis.child.pid)),
    };
    const commands = await redisCommands(rollout);
    const seconds = rollout.rolloutMs / 1000;
    const hourSeconds = (3600 * Math.max(1, Math.round(1000 / timeScale))) / 1000;
    rows.push({
      replicas,
      kind: dryRun ? 'read and plan' : 'rollout',
      repositories: orgSize,
      seconds: Math.round(seconds * 10) / 10,
      peakRssMb: peaks,
      cpu,
      coresBusy: round((cpu.replicas + cpu.fake + cpu.redis) / seconds),
      redisCommandsPerRepository: Math.round(commands / orgSize),
      writes: rollout.check?.writes,
      mostInHour: rollout.check?.mostInHour,
      writesPerScaledHour: rollout.check ? Math.round((rollout.check.writes / seconds) * hourSeconds) : undefined,
    });
    if (rollout.check && !rollout.check.ok)
      process.stderr.write(`  the rollout's check failed: ${JSON.stringify(rollout.check)}\n`);
    process.stderr.write(`  ${JSON.stringify(rows.at(-1))}\n`);
    await rollout.stop();
  }
}

const table = [
  `Replicas on one Redis, same organisation: reading and planning ${values.repos} repositories (no writes, ${values['latency-ms']} ms a request, 1 ms a GitHub second as in the org benchmark above), and rolling out ${values['write-repos']} at PINWARDEN_TIME_SCALE=${timeScale} (GitHub's hour is ${(3600 * Math.max(1, Math.round(1000 / timeScale))) / 1000} s). Commands: \`npm run build && npm run bench:replicas\`.`,
  '',
  '| replicas | phase | repositories | wall s | CPU s: replicas, fake GitHub, Redis | cores busy (of ' +
    String(availableParallelism()) +
    ') | peak RSS MB per replica | Redis commands / repository | writes | most writes in a scaled hour (GitHub: 500) | writes per scaled hour, average |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.replicas} | ${row.kind} | ${row.repositories} | ${row.seconds} | ${row.cpu.replicas}, ${row.cpu.fake}, ${row.cpu.redis} | ${row.coresBusy} | ${row.peakRssMb.join(', ')} | ${row.redisCommandsPerRepository} | ${row.writes ?? '–'} | ${row.mostInHour ?? '–'} | ${row.writesPerScaledHour ?? '–'} |`,
  ),
].join('\n');
process.stdout.write(`${table}\n`);
if (values.write) await writeBenchmarkBlock(join(root, 'BENCHMARKS.md'), 'replicas', 'Replicas (issue 12)', table);
