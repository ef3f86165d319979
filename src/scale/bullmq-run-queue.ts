// Runs in Redis, for a fleet of replicas (REDIS_URL): each installation has its own BullMQ
// queue, so one installation's thousand repositories never starve another installation's single
// push, and BullMQ's global concurrency holds each installation to `concurrency` runs across
// every replica. A repository's jobs are deduplicated by its key with `keepLastIfActive`: an
// event while a job waits joins it (and pushes its start back by the debounce), an event while it
// runs makes exactly one more job that starts after it ends, and two jobs of one repository never
// run at once. What the run must do is the pending run in Redis (redis-pending-runs.ts).
//
// Every replica runs workers for the installations that have work: a new job is announced on a
// channel, and a scan every few seconds finds what an announcement missed. A replica that dies
// leaves its jobs locked; BullMQ's stalled-job check hands them to another replica when the lock
// runs out, and the claimed pending run goes with them.
import { DelayedError, Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { repositoryRunKey } from '../queue/pending-run.js';
import type { RunRequest } from '../queue/pending-run.js';
import { claimPendingRun, claimReleases, mergePendingRuns, pendingKey } from './redis-pending-runs.js';
import { REDIS_PREFIX, deleteMatching, redisKey } from './redis-keys.js';
import type { RunQueue, RunQueueHandlers } from '../queue/run-queue.js';
import { createWaveChains } from './scan-wave-chain.js';
import type { ScanWaveJobData } from './scan-wave-chain.js';

export interface BullRunQueueOptions {
  readonly connection: Redis;
  /** Runs at once per installation, across every replica. */
  readonly concurrency: number;
  readonly debounceMs: number;
  /** How long a job's lock lasts without renewal: a dead replica's jobs move on after about this. */
  readonly lockMs?: number;
  /** How often this replica looks for installations with work it has no worker for. */
  readonly rescanMs?: number;
  /** A worker with nothing to do for this long is closed (each holds a Redis connection). */
  readonly idleWorkerMs?: number;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
}

interface RunJobData {
  readonly installationId: number;
  readonly owner: string;
  readonly name: string;
}
interface ScanJobData {
  readonly installationId: number;
  readonly listed: readonly string[] | null;
}

const INSTALLATIONS = redisKey('installations');
const WAKE = redisKey('wake');
const WORK_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** A failed job is tried again, twice, after 5 then 10 s. */
const RETRIES = { attempts: 3, backoff: { type: 'exponential', delay: 5_000 } } as const;
/** No priority: BullMQ takes unprioritised jobs first, so a scan and its wave go before any run. */
const SCAN_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 100, ...RETRIES } as const;

/**
 * A wave waits while its installation has more runs waiting than this many waves queue: reading
 * far ahead of the runs only holds reads in memory (and past the pre-read budgets, runs read and
 * locate again what their wave had). Waves go before runs otherwise, so without it every wave of a
 * 10,000-repository install was read before the first run.
 */
export const WAVES_OF_RUNS_AHEAD = 2;
/** How long a held-back wave waits before it looks again. */
const HELD_WAVE_WAIT_MS = 250;

/** Jobs waiting or running in one installation's queue. */
async function workIn(queue: Queue): Promise<number> {
  return Object.values(await queue.getJobCounts(...WORK_STATES)).reduce((sum, count) => sum + count, 0);
}

/** The installations that have had queued work on this Redis (and were not forgotten since). */
export async function knownInstallations(redis: Redis): Promise<number[]> {
  return (await redis.smembers(INSTALLATIONS)).map(Number).filter(Number.isSafeInteger);
}

/**
 * Runs and scans waiting, delayed or under way across the fleet, read from Redis itself (not a
 * replica's /metrics, whose answer is kept a second): what a tool waits on to know a rollout ended.
 * Asked every 100 ms, so each installation's queue is opened once: a new one asks Redis its version
 * first (0.8 ms of CPU a call, against 0.1, on the cores the rollout is measured on).
 */
export function fleetBacklogReader(connection: Redis): { read(): Promise<number>; close(): Promise<void> } {
  const queues = new Map<number, Queue>();
  return {
    async read() {
      let total = 0;
      for (const installationId of await knownInstallations(connection)) {
        let queue = queues.get(installationId);
        if (!queue) {
          queue = new Queue(queueNameOf(installationId), { connection, prefix: REDIS_PREFIX });
          queues.set(installationId, queue);
        }
        total += await workIn(queue);
      }
      return total;
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}

function runKeyOf(request: RunRequest): string {
  return repositoryRunKey(request.installationId, request.owner, request.name);
}

export function queueNameOf(installationId: number): string {
  return `runs-${installationId}`;
}

export function createBullRunQueue(handlers: RunQueueHandlers, options: BullRunQueueOptions): RunQueue {
  const { connection, log } = options;
  const lockMs = options.lockMs ?? 30_000;
  const queues = new Map<number, Queue>();
  const workers = new Map<
    number,
    { worker: Worker; idleTimer: NodeJS.Timeout | undefined; closing: Promise<void> | undefined }
  >();
  const subscriber = connection.duplicate();
  // Its errors are the outage the fleet's own client already logs; unheard, ioredis prints them as plain text.
  subscriber.on('error', () => undefined);
  let closed = false;

  const queueFor = (installationId: number): Queue => {
    let queue = queues.get(installationId);
    if (!queue) {
      queue = new Queue(queueNameOf(installationId), { connection, prefix: REDIS_PREFIX });
      // Without a listener, the connection's errors while Redis is down go to the console as plain text.
      queue.on('error', (error) => log.warn({ err: error, installation: installationId }, 'queue error'));
      queues.set(installationId, queue);
    }
    return queue;
  };

  /** Jobs waiting or running in the installation's queue. */
  const backlog = (installationId: number) => workIn(queueFor(installationId));

  // An install's scan submits a thousand runs in a row: the fleet is told once a second, not each time.
  const announced = new Map<number, number>();
  const announce = async (installationId: number, queue: Queue) => {
    if (Date.now() - (announced.get(installationId) ?? 0) < 1_000 && workers.has(installationId)) return;
    announced.set(installationId, Date.now());
    await queue.setGlobalConcurrency(options.concurrency);
    await connection.sadd(INSTALLATIONS, String(installationId));
    await connection.publish(WAKE, String(installationId));
    await ensureWorker(installationId);
  };

  const chains = createWaveChains({ connection, queueFor, jobOptions: SCAN_JOB_OPTIONS, log });
  const claims = claimReleases(connection, { log });

  const processJob = async (job: Job<RunJobData | ScanJobData | ScanWaveJobData>, token?: string) => {
    if (job.name === 'scan') {
      const data = job.data as ScanJobData;
      const waves = await handlers.scan(data.installationId, data.listed ?? undefined);
      // Each wave a job, any replica's to take, a dead replica's taken by another, read one after
      // another (scan-wave-chain.ts).
      await chains.start(data.installationId, job.id!, waves);
      return;
    }
    if (job.name === 'scan-wave') {
      const data = job.data as ScanWaveJobData;
      const waiting = await queueFor(data.installationId).getPrioritizedCount();
      if (waiting >= WAVES_OF_RUNS_AHEAD * data.wave.length) {
        await job.moveToDelayed(Date.now() + HELD_WAVE_WAIT_MS, token);
        throw new DelayedError();
      }
      // Read here, so the next wave is queued as soon as this one is read (its reading then goes
      // on while this one is located and its runs queued). Not the first wave's: its locating
      // waits on the installation's first resolutions and trust facts, and the waves read beside it
      // (a slot each) only took GitHub's pace and the cores from it, so the next waits until it is
      // scanned (at 10,000 repositories its runs then began about 0.6 s sooner).
      const read = handlers.readWave?.(data.installationId, data.wave);
      const scanned = handlers.scanWave(data.installationId, data.wave, read);
      const first = (data.chain?.index ?? 0) === 0;
      await Promise.all([scanned, (first ? scanned : (read ?? scanned)).then(() => chains.next(data))]);
      return;
    }
    const data = job.data as RunJobData;
    const key = repositoryRunKey(data.installationId, data.owner, data.name);
    // Handed on while it is on its way: the run takes its kept read meanwhile (one round trip for
    // both, not one after the other). Nothing pending: an event joined the run before this one,
    // which did its work.
    const claimed = claimPendingRun(connection, key, job.queueName, job.id!);
    await handlers.run(data.installationId, { owner: data.owner, name: data.name }, claimed);
    if (await claimed) claims.release(job.queueName, job.id!);
  };

  /** A run's job: deduplicated by its repository, so events while it waits join it. */
  const runJob = (request: RunRequest) => ({
    name: 'run',
    data: { installationId: request.installationId, owner: request.owner, name: request.name } satisfies RunJobData,
    opts: {
      deduplication: { id: runKeyOf(request), keepLastIfActive: true, reschedule: true },
      ...(options.debounceMs > 0 ? { delay: options.debounceMs } : {}),
      priority: request.priority,
      removeOnComplete: true,
      removeOnFail: 1_000,
      ...RETRIES,
    },
  });

  /**
   * Runs queued: their pending runs in one pipeline, their jobs in one transaction (a wave's runs
   * were two round trips each: a third of a replica's writes to Redis at 10,000 repositories).
   */
  const submitAll = async (requests: readonly RunRequest[]) => {
    for (const installationId of new Set(requests.map((request) => request.installationId))) {
      const mine = requests.filter((request) => request.installationId === installationId);
      await mergePendingRuns(
        connection,
        mine.map((request) => ({ repositoryKey: runKeyOf(request), request })),
      );
      const queue = queueFor(installationId);
      await queue.addBulk(mine.map(runJob));
      await announce(installationId, queue);
    }
  };

  const ensureWorker = async (installationId: number): Promise<void> => {
    if (closed) return;
    const held = workers.get(installationId);
    if (held && !held.closing) return;
    if (held?.closing) await held.closing;
    if (workers.has(installationId) || closed) return;
    const worker = new Worker(queueNameOf(installationId), processJob, {
      connection,
      prefix: REDIS_PREFIX,
      concurrency: options.concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(1_000, Math.floor(lockMs / 2)),
      // A replica may die more than once under a job; the job still runs in the end.
      maxStalledCount: 10,
    });
    const entry: { worker: Worker; idleTimer: NodeJS.Timeout | undefined; closing: Promise<void> | undefined } = {
      worker,
      idleTimer: undefined,
      closing: undefined,
    };
    workers.set(installationId, entry);
    worker.on('error', (error) => log.warn({ err: error, installation: installationId }, 'queue worker error'));
    worker.on('failed', (job, error) =>
      log.error({ err: error, installation: installationId, job: job?.name }, 'queued job failed'),
    );
    worker.on('active', () => {
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      entry.idleTimer = undefined;
    });
    worker.on('drained', () => {
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      entry.idleTimer = setTimeout(() => void closeIfIdle(installationId, entry), options.idleWorkerMs ?? 60_000);
      entry.idleTimer.unref();
    });
  };

  const closeIfIdle = async (installationId: number, entry: { worker: Worker; closing: Promise<void> | undefined }) => {
    if (entry.closing || workers.get(installationId) !== entry) return;
    if ((await backlog(installationId)) > 0) return;
    entry.closing = entry.worker.close().finally(() => {
      if (workers.get(installationId) === entry) workers.delete(installationId);
    });
  };

  const rescan = async () => {
    await chains.resume();
    for (const installationId of await knownInstallations(connection)) {
      if (workers.has(installationId) && !workers.get(installationId)!.closing) continue;
      if ((await backlog(installationId)) > 0) await ensureWorker(installationId);
    }
  };
  const rescanTimer = setInterval(
    () => void rescan().catch((error: unknown) => log.warn({ err: error }, 'looking for queued work failed')),
    options.rescanMs ?? 5_000,
  );
  rescanTimer.unref();
  subscriber.on('message', (_channel, message) => {
    const installationId = Number(message);
    if (Number.isSafeInteger(installationId))
      void ensureWorker(installationId).catch((error: unknown) =>
        log.warn({ err: error }, 'starting a queue worker failed'),
      );
  });
  // Work queued before this replica started is found by the first scan.
  void (async () => {
    await subscriber.subscribe(WAKE);
    await rescan();
  })().catch((error: unknown) =>
    log.warn({ err: error }, 'listening for queued work failed; the periodic scan finds it'),
  );

  const depths = async () => {
    const installationIds = await knownInstallations(connection);
    const counts = await Promise.all(installationIds.map(backlog));
    return new Map(installationIds.map((installationId, index) => [installationId, counts[index]!]));
  };

  return {
    depths,
    submit: (request: RunRequest) => submitAll([request]),
    submitAll,
    async scan(installationId, listed) {
      const queue = queueFor(installationId);
      const data: ScanJobData = { installationId, listed: listed ? [...listed] : null };
      await queue.add('scan', data, {
        deduplication: { id: `scan:${installationId}`, keepLastIfActive: true },
        ...SCAN_JOB_OPTIONS,
      });
      await announce(installationId, queue);
    },
    backlog,
    async idle() {
      while ([...(await depths()).values()].some((count) => count > 0))
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
    async forget(installationId) {
      announced.delete(installationId);
      const held = workers.get(installationId);
      workers.delete(installationId);
      if (held) {
        if (held.idleTimer) clearTimeout(held.idleTimer);
        await (held.closing ?? held.worker.close());
      }
      await queueFor(installationId).obliterate({ force: true });
      await queueFor(installationId).close();
      queues.delete(installationId);
      await connection.srem(INSTALLATIONS, String(installationId));
      await deleteMatching(connection, `${pendingKey(`${installationId}:`)}*`);
      await deleteMatching(connection, `${redisKey('claimed', queueNameOf(installationId))}:*`);
      await chains.forget(installationId);
    },
    async close() {
      closed = true;
      clearInterval(rescanTimer);
      await subscriber.quit().catch(() => undefined);
      await Promise.all(
        [...workers.values()].map((entry) => {
          if (entry.idleTimer) clearTimeout(entry.idleTimer);
          return entry.closing ?? entry.worker.close();
        }),
      );
      workers.clear();
      await claims.flush();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}
