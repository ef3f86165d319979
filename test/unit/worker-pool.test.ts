// A pool of worker threads starts once, however many tasks ask for it at the same moment: written
// as `pool ??= new (await import('piscina')).Piscina(…)`, ten callers at once started ten pools,
// each with a thread and a heap of its own.
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkers, workerPool, workerPoolsStarted } from '../../src/parallel/worker-pool.js';
import type { LocateTask } from '../../src/parallel/locate-worker.js';
import type { LocatedWorkflowFile } from '../../src/images/types.js';

afterAll(closeWorkers);

const pool = workerPool<LocateTask, LocatedWorkflowFile[]>('locate-worker.js', () => ({
  minThreads: 0,
  maxThreads: 1,
}));
const locate = (text: string) => pool.run({ files: [{ text, kind: 'workflow' }] });

describe('the worker pool', () => {
  it('starts once for tasks that ask at once, and again after it is closed', async () => {
    await closeWorkers();
    const before = workerPoolsStarted();
    const located = await Promise.all(
      Array.from({ length: 10 }, (_, index) => locate(`on: push\njobs:\n  j${index}:\n    steps: []\n`)),
    );
    expect(located.map((files) => files[0]!.ok)).toEqual(Array.from({ length: 10 }, () => true));
    expect(workerPoolsStarted() - before).toBe(1);
    await closeWorkers();
    await locate('on: push\n');
    expect(workerPoolsStarted() - before).toBe(2);
  });
});
