import { describe, expect, it } from 'vitest';
import { RepositoryQueue } from '../../src/queue/repository-queue.js';
import { webUrlFor } from '../../src/app/pinwarden-app.js';
import { pushTouchesWatchedFiles } from '../../src/handlers/push.js';
import type { Trigger } from '../../src/pull-request/decide-pull-request.js';
import type { PendingRun } from '../../src/queue/pending-run.js';

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RepositoryQueue', () => {
  it('coalesces events that arrive while a run waits, keeping the strongest trigger', async () => {
    const queue = new RepositoryQueue<string>({ concurrency: 2, debounceMs: 20 });
    const runs: Trigger[] = [];
    const run = async ({ trigger }: PendingRun) => {
      runs.push(trigger);
      return trigger;
    };
    const results = await Promise.all([
      queue.submit(1, 'o/r', { trigger: 'push' }, run),
      queue.submit(1, 'O/R', { trigger: 'command' }, run),
      queue.submit(1, 'o/r', { trigger: 'push' }, run),
    ]);
    expect(runs).toEqual(['command']);
    expect(results).toEqual(['command', 'command', 'command']);
  });

  it('serialises runs of one repository: an event during a run starts exactly one more after it', async () => {
    const queue = new RepositoryQueue<number>({ concurrency: 4, debounceMs: 0 });
    let running = 0;
    let overlap = false;
    let count = 0;
    const run = async () => {
      running += 1;
      overlap ||= running > 1;
      await tick(20);
      running -= 1;
      return ++count;
    };
    const first = queue.submit(1, 'o/r', { trigger: 'push' }, run);
    await tick(5);
    const during = [
      queue.submit(1, 'o/r', { trigger: 'push' }, run),
      queue.submit(1, 'o/r', { trigger: 'push' }, run),
      queue.submit(1, 'o/r', { trigger: 'push' }, run),
    ];
    expect(await first).toBe(1);
    expect(await Promise.all(during)).toEqual([2, 2, 2]);
    expect(overlap).toBe(false);
    await queue.idle();
  });

  it('bounds concurrency per installation, not across installations', async () => {
    const queue = new RepositoryQueue<void>({ concurrency: 2, debounceMs: 0 });
    const peak = new Map<number, number>();
    const current = new Map<number, number>();
    const runFor = (installation: number) => async () => {
      current.set(installation, (current.get(installation) ?? 0) + 1);
      peak.set(installation, Math.max(peak.get(installation) ?? 0, current.get(installation)!));
      await tick(10);
      current.set(installation, current.get(installation)! - 1);
    };
    await Promise.all(
      [1, 2].flatMap((installation) =>
        Array.from({ length: 6 }, (_, index) =>
          queue.submit(installation, `o/r${index}`, { trigger: 'install' }, runFor(installation)),
        ),
      ),
    );
    expect(peak).toEqual(
      new Map([
        [1, 2],
        [2, 2],
      ]),
    );
  });

  it('starts each run on a turn of the event loop of its own, so I/O is answered between runs', async () => {
    // Runs that never wait on I/O (their reads done ahead) would otherwise start one from another
    // in promise callbacks, and a timer or a socket's answer would wait for all of them.
    const queue = new RepositoryQueue<void>({ concurrency: 1, debounceMs: 0 });
    const order: string[] = [];
    const runs = Array.from({ length: 3 }, (_, index) =>
      queue.submit(1, `o/r${index}`, { trigger: 'install' }, async () => {
        order.push(`run ${index}`);
        if (index === 0) setImmediate(() => order.push('I/O'));
      }),
    );
    await Promise.all(runs);
    expect(order).toEqual(['run 0', 'I/O', 'run 1', 'run 2']);
  });

  it('a failed run rejects its callers and does not block the next', async () => {
    const queue = new RepositoryQueue<string>({ concurrency: 1, debounceMs: 0 });
    await expect(
      queue.submit(1, 'o/r', { trigger: 'push' }, async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(await queue.submit(1, 'o/r', { trigger: 'push' }, async () => 'ok')).toBe('ok');
    await queue.idle();
  });
});

describe('webhook filters', () => {
  it('reacts to pushes touching workflows, actions, dependabot.yml or its own config', () => {
    expect(pushTouchesWatchedFiles([{ modified: ['README.md'] }])).toBe(false);
    expect(pushTouchesWatchedFiles([{ modified: ['README.md'] }, { added: ['.github/workflows/ci.yml'] }])).toBe(true);
    expect(pushTouchesWatchedFiles([{ removed: ['tools/lint/action.yaml'] }])).toBe(true);
    expect(pushTouchesWatchedFiles([{ modified: ['.github/pinwarden.yml'] }])).toBe(true);
    expect(pushTouchesWatchedFiles([{ modified: ['.github/dependabot.yml'] }])).toBe(true);
    expect(pushTouchesWatchedFiles([])).toBe(true);
  });
  it('links to the web host of the API in use', () => {
    expect(webUrlFor('https://api.github.com')).toBe('https://github.com');
    expect(webUrlFor('https://ghe.example.com/api/v3/')).toBe('https://ghe.example.com');
  });
});
