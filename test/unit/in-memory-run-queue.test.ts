import { describe, expect, it } from 'vitest';
import { createInMemoryRunQueue } from '../../src/queue/in-memory-run-queue.js';

describe('the in-memory run queue', () => {
  it("counts a running scan, then the runs it queues, in the installation's depth", async () => {
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
          for (const name of wave)
            await queue.submit({ installationId, owner: 'o', name, trigger: 'install', priority: 3 });
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

  it('reads the next wave while this one is scanned, one wave ahead at most, and hands each wave its read', async () => {
    const events: string[] = [];
    const gates = new Map<string, () => void>();
    const gate = (name: string) => new Promise<void>((resolve) => gates.set(name, resolve));
    const reads = new Map<string, Promise<void>>();
    const queue = createInMemoryRunQueue(
      {
        run: async () => {},
        scan: async () => [['a'], ['b'], ['c']],
        readWave: async (_installationId, wave) => {
          events.push(`read ${wave[0]} starts`);
          const read = gate(`read ${wave[0]}`);
          reads.set(wave[0]!, read);
          await read;
          events.push(`read ${wave[0]} ends`);
          return {
            repositories: new Map([[wave[0]!, { status: 'missing' } as never]]),
            images: Promise.resolve(new Map()),
          };
        },
        scanWave: async (_installationId, wave, read) => {
          const got = await read;
          events.push(`scan ${wave[0]} with ${[...(got?.repositories.keys() ?? ['nothing'])].join()}`);
          await gate(`scan ${wave[0]}`);
        },
      },
      { concurrency: 1, debounceMs: 0 },
    );
    const release = async (name: string) => {
      while (!gates.has(name)) await new Promise((resolve) => setTimeout(resolve, 1));
      gates.get(name)!();
    };
    await queue.scan(7, undefined);
    await release('read a');
    await release('read b');
    const until = async (event: string) => {
      while (!events.includes(event)) await new Promise((resolve) => setTimeout(resolve, 1));
    };
    await until('read b ends');
    // Wave a is being scanned and wave b was read meanwhile; c waits: one wave ahead, no more.
    expect(events).toEqual(['read a starts', 'read a ends', 'read b starts', 'scan a with a', 'read b ends']);
    await release('scan a');
    await until('read c starts');
    expect(events.slice(5).toSorted()).toEqual(['read c starts', 'scan b with b']);
    await release('read c');
    await release('scan b');
    await release('scan c');
    await queue.idle();
    expect(events.filter((event) => event.startsWith('scan'))).toEqual([
      'scan a with a',
      'scan b with b',
      'scan c with c',
    ]);
  });

  it('holds the next wave back while two waves of runs wait to start, and goes on as they start', async () => {
    const scanned: string[] = [];
    const gates: (() => void)[] = [];
    const waves = ['a', 'b', 'c'].map((wave) => Array.from({ length: 250 }, (_, index) => `${wave}${index}`));
    const queue = createInMemoryRunQueue(
      {
        run: async () => new Promise<void>((resolve) => gates.push(resolve)),
        scan: async () => waves,
        scanWave: async (installationId, wave) => {
          scanned.push(wave[0]!.slice(0, 1));
          for (const name of wave)
            await queue.submit({ installationId, owner: 'o', name, trigger: 'install', priority: 3 });
        },
      },
      { concurrency: 1, debounceMs: 0 },
    );
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    const startRuns = async (count: number) => {
      for (let started = 0; started < count; started++) {
        while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
        gates.shift()!();
      }
      await settle();
    };
    await queue.scan(7, undefined);
    await settle();
    // 500 runs queued, one running: wave c waits (it would hold 749 runs' reads).
    expect(scanned).toEqual(['a', 'b']);
    expect(await queue.backlog(7)).toBe(501);
    await startRuns(50);
    expect(scanned).toEqual(['a', 'b']);
    // Fewer than 400 wait to start: the scan goes on.
    await startRuns(60);
    expect(scanned).toEqual(['a', 'b', 'c']);
    await startRuns(640);
    await queue.idle();
    expect(await queue.backlog(7)).toBe(0);
  });
});
