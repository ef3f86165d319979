import { describe, expect, it } from 'vitest';
import { createInMemoryRunQueue } from '../../src/scale/in-memory-run-queue.js';

describe('the in-memory run queue', () => {
  it('counts a running scan, then the runs it queues, in the installation\'s depth', async () => {
    let releaseScan!: () => void;
    const scanGate = new Promise<void>((resolve) => (releaseScan = resolve));
    let releaseRuns!: () => void;
    const runGate = new Promise<void>((resolve) => (releaseRuns = resolve));
    const queue = createInMemoryRunQueue(
      {
        run: async () => runGate,
        scan: async (_installationId, listed) => {
          await scanGate;
          return [listed ?? []];
        },
        scanWave: async (installationId, wave) => {
          for (const name of wave) await queue.submit({ installationId, owner: 'o', name, trigger: 'install', priority: 3 });
        },
      },
      { concurrency: 1, debounceMs: 0 },
    );
    expect(await queue.depths()).toEqual(new Map());
    await queue.scan(7, ['a', 'b', 'c']);
    // Reading, nothing queued yet: the scan itself is the work.
    expect(await queue.depths()).toEqual(new Map([[7, 1]]));
    releaseScan();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await queue.depths()).toEqual(new Map([[7, 3]]));
    expect(await queue.backlog(8)).toBe(0);
    releaseRuns();
    await queue.idle();
    expect(await queue.depths()).toEqual(new Map([[7, 0]]));
  });
});
