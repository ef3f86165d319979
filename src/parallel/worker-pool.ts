// Pools of worker threads (piscina), each started on first use — once, however many ask at the
// same moment: `pool ??= new (await import('piscina')).Piscina(…)` reads `pool` before it awaits,
// so ten requests arriving together started ten pools, each with its own thread and heap.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';

type PoolOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;

/**
 * How many threads locate a large batch, this one included (1 or 0: this one alone); with 2 or more,
 * the App also reads GitHub's answers on a thread of their own (fetch-off-thread.ts).
 */
export function workerCount(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.PINWARDEN_WORKERS;
  if (asked !== undefined && /^\d+$/.test(asked)) return Math.min(Number(asked), 16);
  const cores = availableParallelism();
  return cores > 1 ? Math.min(cores, 8) : 0;
}

export interface WorkerPool<Task, Result> {
  /** Runs `task` on one of the pool's threads, starting the pool if it is not running. */
  run(task: Task): Promise<Result>;
}

const running = new Set<() => Promise<void>>();
let poolsStarted = 0;

/** How many pools were started since the process began (tests read it). */
export function workerPoolsStarted(): number {
  return poolsStarted;
}

/**
 * A pool running the default export of `file`, a worker of this folder as compiled
 * (`locate-worker.js`); `options` are read when it starts.
 */
export function workerPool<Task, Result>(
  file: string,
  options: () => Omit<PoolOptions, 'filename'>,
): WorkerPool<Task, Result> {
  let started: Promise<Piscina<Task, Result>> | undefined;
  const close = async () => {
    const current = started;
    started = undefined;
    await (await current)?.destroy();
  };
  return {
    async run(task) {
      if (!started) {
        running.add(close);
        started = import('piscina').then(({ Piscina: Pool }) => {
          poolsStarted += 1;
          return new Pool<Task, Result>({ ...options(), filename: workerUrl(file) });
        });
      }
      return (await started).run(task);
    },
  };
}

/** Stops every pool's threads now (tests and benchmarks; idle threads do not keep a process alive, and exit on their own after `idleTimeout`); a later task starts its pool again. */
export async function closeWorkers(): Promise<void> {
  const closing = [...running];
  running.clear();
  await Promise.all(closing.map((close) => close()));
}

/** The compiled worker beside this module; under the test runner (TypeScript sources) the build's copy. */
function workerUrl(file: string): string {
  const beside = new URL(`./${file}`, import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside.href;
  return new URL(`../../dist/parallel/${file}`, import.meta.url).href;
}
