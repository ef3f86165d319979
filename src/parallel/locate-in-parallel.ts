// Locating (`uses:` and the images beside them) is pure CPU and files are independent, so a
// large batch is spread over worker threads (piscina), one per core; a small one is located in
// this thread, where a worker's start-up would cost more than it saves. PINWARDEN_WORKERS sets
// the number of threads (0: never), for benchmarks and for operators who want a core kept free.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { locateWorkflowFile } from '../images/locate-workflow-file.js';
import type { LocateTask } from './locate-worker.js';
import type { LocatedWorkflowFile } from '../images/types.js';
import { workerCount, workerPool } from './worker-pool.js';

/** Below this many bytes in all, one thread is faster than starting workers. */
export const PARALLEL_MIN_BYTES = 256 * 1024;
/**
 * The same for a one-shot process (the CLI), whose pool is always cold: the threads' start-up and
 * JIT warm-up come out of every run. `pinwarden pin --dry-run` on 2 cores, Node 24, workers against
 * this thread alone (2026-12-05, medians of 5 alternating runs): 3.2 MB 4 % slower and 28 % more
 * CPU, 6.4 MB 5 % faster, 13 MB 9 % faster. The App's pool starts once and stays warm.
 */
export const ONE_SHOT_MIN_BYTES = 5 * 1024 * 1024;
/** Each task carries about this much text: large enough to amortise the copy, small enough to balance. */
const CHUNK_BYTES = 32 * 1024;

type File = LocateTask['files'][number];

const pool = workerPool<LocateTask, LocatedWorkflowFile[]>('locate-worker.js', () => ({
  minThreads: 0,
  // This thread is one of the workers (unless told not to be): the pool has one thread fewer.
  maxThreads: Math.max(1, workerCount() - 1),
  concurrentTasksPerWorker: 2,
  idleTimeout: 30_000,
}));
let chunksOnWorkers = 0;

/** How many chunks worker threads have located since start (tests and benchmarks read it). */
export function workerChunks(): number {
  return chunksOnWorkers;
}

export async function locateAll(
  files: readonly File[],
  options: {
    readonly minBytes?: number;
    /**
     * Whether this thread takes chunks too (the default): the command line has nothing else to do.
     * The App says no: its thread runs every repository's run and reads GitHub's answers, and the
     * whole install waits on it. At 10,000 repositories on 2 cores, its thread's share of locating
     * was a third of what it allocated; with the worker locating alone, 13-17 % less wall.
     */
    readonly thisThread?: boolean;
  } = {},
): Promise<LocatedWorkflowFile[]> {
  const bytes = files.reduce((sum, file) => sum + file.text.length, 0);
  const threads = workerCount();
  if (threads <= 1 || bytes < (options.minBytes ?? PARALLEL_MIN_BYTES))
    return files.map((file) => locateWorkflowFile(file.text, file.kind));
  const chunks = chunksOf(files);
  // Every thread takes the next chunk when it is free, so a thread slow to start (or busy elsewhere) takes less.
  const results: LocatedWorkflowFile[][] = [];
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      results[index] = await locateOnWorker(chunks[index]!);
      chunksOnWorkers += 1;
    }
  };
  const here = async () => {
    while (next < chunks.length) {
      const index = next++;
      results[index] = chunks[index]!.map((file) => locateWorkflowFile(file.text, file.kind));
      // Lets the workers' answers in and their next chunks out.
      await nextTurn();
    }
  };
  // Two chunks in flight per worker: the next is already there when one ends, even while this
  // thread is busy with its own chunk and cannot hand out another.
  await Promise.all([
    ...(options.thisThread === false ? [] : [here()]),
    ...Array.from({ length: 2 * (threads - 1) }, worker),
  ]);
  return results.flat();
}

function chunksOf(files: readonly File[]): File[][] {
  const chunks: File[][] = [];
  let size = CHUNK_BYTES;
  for (const file of files) {
    if (size >= CHUNK_BYTES) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(file);
    size += file.text.length;
  }
  return chunks;
}

function locateOnWorker(files: readonly File[]): Promise<LocatedWorkflowFile[]> {
  return pool.run({ files });
}
