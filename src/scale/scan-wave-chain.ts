// A scan's waves in the fleet, read one after another as one process reads them: the scan queues
// the first, and each wave, once read, queues the next from the scan's list in Redis — so the first
// runs start after one wave's read, not after every wave's reads shared the installation's GraphQL
// pace side by side.
//
//   scan-waves:{installation}:{scan job}  list: the scan's waves (JSON), dropped by the last
//   scan-waves-at                         hash: each chain's place, its list → "installation index job"
//
// A wave moves its chain's place before its job ends, so a place still naming an ended job is a
// broken chain (a replica of a version before chains took that wave): resume() goes on from there.
import { createHash } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { deleteMatching, redisKey } from './redis-keys.js';

export interface ScanWaveJobData {
  readonly installationId: number;
  readonly wave: readonly string[];
  /** The scan's waves in Redis (a list) and this wave's place in it: once read, it queues the next. */
  readonly chain?: { readonly key: string; readonly index: number };
}

const PLACES = redisKey('scan-waves-at');
/** A scan's list of waves outlives any scan; an abandoned one (every replica gone) is dropped then. */
const WAVE_LIST_TTL_MS = 24 * 60 * 60 * 1000;

export interface WaveChains {
  /** Queues a scan's first wave, and keeps the rest for the chain. */
  start(installationId: number, scanJobId: string, waves: readonly (readonly string[])[]): Promise<void>;
  /** Queues the wave after this one (once it is read); the last drops the list. */
  next(wave: Pick<ScanWaveJobData, 'installationId' | 'chain'>): Promise<void>;
  /** Chains whose wave job ended (done, failed for good, or gone) without queueing the next go on. */
  resume(): Promise<void>;
  forget(installationId: number): Promise<void>;
}

export function createWaveChains(deps: {
  readonly connection: Redis;
  readonly queueFor: (installationId: number) => Queue;
  readonly jobOptions: JobsOptions;
  readonly log: Pick<Logger, 'warn'>;
}): WaveChains {
  const { connection, queueFor, log } = deps;
  const listsOf = (installationId: number) => `${redisKey('scan-waves', installationId)}:`;

  /**
   * A wave's job. Its id is the scan's list and its content, so a retried wave (its replica died)
   * does not queue the next twice while it waits or runs; a scan without a list has one wave.
   */
  const add = async (installationId: number, wave: readonly string[], chain: ScanWaveJobData['chain']) => {
    const content = createHash('sha256').update(wave.join('\n')).digest('hex');
    const job = await queueFor(installationId).add(
      'scan-wave',
      { installationId, wave: [...wave], ...(chain ? { chain } : {}) } satisfies ScanWaveJobData,
      { deduplication: { id: `scan-wave:${installationId}:${chain?.key ?? ''}:${content}` }, ...deps.jobOptions },
    );
    if (chain) await connection.hset(PLACES, chain.key, `${installationId} ${chain.index} ${job.id}`);
  };

  const next: WaveChains['next'] = async ({ installationId, chain }) => {
    if (!chain) return;
    const index = chain.index + 1;
    const wave = await connection.lindex(chain.key, index);
    if (wave === null) {
      await connection.multi().del(chain.key).hdel(PLACES, chain.key).exec();
      return;
    }
    await add(installationId, JSON.parse(wave) as string[], { key: chain.key, index });
  };

  return {
    async start(installationId, scanJobId, waves) {
      if (waves.length === 0) return;
      const key = `${listsOf(installationId)}${scanJobId}`;
      if (waves.length > 1)
        await connection
          .multi()
          .del(key)
          .rpush(key, ...waves.map((wave) => JSON.stringify(wave)))
          .pexpire(key, WAVE_LIST_TTL_MS)
          .exec();
      await add(installationId, waves[0]!, waves.length > 1 ? { key, index: 0 } : undefined);
    },
    next,
    async resume() {
      for (const [key, place] of Object.entries(await connection.hgetall(PLACES))) {
        const [installation = '', at = '', jobId = ''] = place.split(' ');
        const installationId = Number(installation);
        const index = Number(at);
        if (!Number.isSafeInteger(installationId) || !Number.isSafeInteger(index)) continue;
        const job = await queueFor(installationId).getJob(jobId);
        const state = job ? await job.getState() : 'unknown';
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        // Read again after the job's state: a wave that queued the next has moved the place by then.
        if ((await connection.hget(PLACES, key)) !== place) continue;
        log.warn({ installation: installationId, wave: index }, 'a scan stopped after a wave: resuming it');
        await next({ installationId, chain: { key, index } });
      }
    },
    async forget(installationId) {
      await deleteMatching(connection, `${listsOf(installationId)}*`);
      const mine = Object.keys(await connection.hgetall(PLACES)).filter((key) =>
        key.startsWith(listsOf(installationId)),
      );
      if (mine.length > 0) await connection.hdel(PLACES, ...mine);
    },
  };
}
