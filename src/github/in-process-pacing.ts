// The in-process pacing Octokit's throttling plugin runs every request through, in the shapes of
// Bottleneck it calls (`group.key(id).schedule(options, job, ...args)`; a retry limiter's
// `schedule(job, ...args)` and `on('failed')`), without Bottleneck's queue: it passes each job
// through timer turns, one job after another, so on an event loop busy with runs a GraphQL read
// waited ~140 ms in four limiters for a 50 ms fetch (10,000 repositories, BENCHMARKS.md). Here a
// job that may go goes at once; only a spacing still to keep takes a timer. Bottleneck stays for
// the fleet's write spacing, which it keeps in Redis for every replica.
import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';

/** What the plugin passes with each job: a retry is `{ priority: 0, weight: 0 }`. */
export interface JobOptions {
  readonly priority?: number;
  readonly weight?: number;
}

export interface PacingLimiter {
  schedule<A extends unknown[], R>(
    options: JobOptions,
    job: (...args: A) => R | PromiseLike<R>,
    ...args: A
  ): Promise<R>;
}

/** One limiter a key (the plugin's key is the installation). */
export interface PacingGroup {
  key(id: string): PacingLimiter;
}

/** A group of ours also says how many keys it holds (bounded: installations come and go). */
export interface CountedGroup extends PacingGroup {
  keys(): number;
}

/**
 * At most `maxConcurrent` jobs at once a key. A retry (weight 0) goes at once, as Bottleneck lets a
 * weightless job past the limit: it has already waited what GitHub asked. A key's queue is dropped
 * when it is idle, so installations come and go without the map growing.
 */
export function concurrencyGroup(maxConcurrent: number): CountedGroup {
  const queues = new Map<string, PQueue>();
  const queueFor = (id: string) => {
    let queue = queues.get(id);
    if (!queue) {
      queue = new PQueue({ concurrency: maxConcurrent });
      queues.set(id, queue);
      const own = queue;
      own.addEventListener('idle', () => {
        if (queues.get(id) === own && own.size === 0 && own.pending === 0) queues.delete(id);
      });
    }
    return queue;
  };
  return {
    key: (id) => ({
      schedule: async (options, job, ...args) =>
        options.weight === 0 ? job(...args) : queueFor(id).add(async () => job(...args)),
    }),
    keys: () => queues.size,
  };
}

/**
 * Jobs of a key start at least `minTime` ms apart, counted from when the one before really started
 * (a timer can fire late on a busy loop, and the next must not make up for it), in the order asked.
 * Keys with nobody waiting whose spacing has passed are dropped whenever the map has doubled since
 * the last sweep.
 */
export function spacingGroup(minTime: number, now: () => number = () => performance.now()): CountedGroup {
  const lanes = new Map<string, { tail: Promise<void>; started: number; waiting: number }>();
  let sweepAbove = 1_024;
  const sweep = () => {
    const at = now();
    for (const [id, lane] of lanes) if (lane.waiting === 0 && lane.started + minTime <= at) lanes.delete(id);
    sweepAbove = Math.max(1_024, 2 * lanes.size);
  };
  return {
    key: (id) => ({
      schedule: async (_options, job, ...args) => {
        let lane = lanes.get(id);
        if (!lane) {
          lane = { tail: Promise.resolve(), started: -Infinity, waiting: 0 };
          lanes.set(id, lane);
          if (lanes.size > sweepAbove) sweep();
        }
        const own = lane;
        own.waiting += 1;
        const turn = own.tail.then(async () => {
          // A timer is due from the loop's cached clock, which lags while a turn runs: it can fire a
          // little early, so the spacing is checked again.
          for (let wait = own.started + minTime - now(); wait > 0; wait = own.started + minTime - now())
            await sleep(wait);
          own.started = now();
          own.waiting -= 1;
        });
        own.tail = turn;
        await turn;
        return job(...args);
      },
    }),
    keys: () => lanes.size,
  };
}

/** What the plugin's `failed` handler is given, and answers: milliseconds to wait before a retry, or nothing. */
export type FailedHandler = (error: unknown, info: { args: unknown[]; retryCount: number }) => unknown;

/**
 * The plugin's retry limiter: runs a job, and when it fails asks the `failed` handlers (the plugin's
 * rate-limit handling) whether to run it again and after how many milliseconds. A handler that
 * throws means no retry: the job's own error is what the caller gets.
 */
export function retryingScheduler() {
  const handlers: FailedHandler[] = [];
  const retryAfter = async (error: unknown, info: { args: unknown[]; retryCount: number }) => {
    const answers = await Promise.all(handlers.map(async (handler) => handler(error, info)).map(settled));
    const wait = answers.find((answer) => answer != null);
    return wait === undefined ? undefined : Math.max(0, Number(wait) || 0);
  };
  return {
    on(event: string, handler: FailedHandler) {
      // A plugin version listening for more would otherwise wait for events that never come.
      if (event !== 'failed') throw new Error(`the retry scheduler has no '${event}' event`);
      handlers.push(handler);
    },
    async schedule<A extends unknown[], R>(job: (...args: A) => R | PromiseLike<R>, ...args: A): Promise<R> {
      for (let retryCount = 0; ; retryCount += 1) {
        try {
          return await job(...args);
        } catch (error) {
          const wait = await retryAfter(error, { args, retryCount });
          if (wait === undefined) throw error;
          await sleep(wait);
        }
      }
    },
  };
}

const settled = async (answer: Promise<unknown>) => answer.catch(() => undefined);
