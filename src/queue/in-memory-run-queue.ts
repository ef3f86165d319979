// The default queue: runs wait in this process (RepositoryQueue), as a small install needs. A
// restart forgets them; the next push or command asks again.
import { RepositoryQueue } from './repository-queue.js';
import type { RunQueue, RunQueueHandlers } from './run-queue.js';
import type { RunRequest } from './pending-run.js';

/** Runs of an installation that may wait to start before its scan queues another wave's (two waves). */
const RUNS_WAITING_BEFORE_A_WAVE = 400;

export function createInMemoryRunQueue(
  handlers: RunQueueHandlers,
  options: { concurrency: number; debounceMs: number },
): RunQueue {
  const queue = new RepositoryQueue<void>(options);
  const scans = new Map<Promise<void>, number>();
  // A scan counts as work of its installation, as it does in Redis (a job), so a depth of 0
  // means the installation is done rather than not yet queued.
  const backlog = (installationId: number) =>
    queue.backlog(installationId) + [...scans.values()].filter((id) => id === installationId).length;
  const submit = (request: RunRequest) =>
    void queue.submit(request.installationId, `${request.owner}/${request.name}`, request, (pending) =>
      handlers.run(request.installationId, { owner: request.owner, name: request.name }, Promise.resolve(pending)),
    );
  return {
    async submit(request: RunRequest) {
      submit(request);
    },
    async submitAll(requests) {
      for (const request of requests) submit(request);
    },
    async scan(installationId, listed) {
      const scan = (async () => {
        const waves = await handlers.scan(installationId, listed);
        // One wave read ahead: the next is read (on the network) while this one is located and
        // planned (on the CPU); reads stay one wave at a time, and so do the caches' warm-ups.
        const { readWave } = handlers;
        let ahead = readWave && waves[0] ? readWave(installationId, waves[0]) : undefined;
        for (const [index, wave] of waves.entries()) {
          const read = ahead;
          const next = waves[index + 1];
          ahead = readWave && next ? (read ?? Promise.resolve()).then(() => readWave(installationId, next)) : undefined;
          // Runs ahead of what the runners take only hold their reads: a scan faster than its runs
          // (10,000 repositories) waits while two waves of runs wait, and peak memory stays put.
          await queue.roomFor(installationId, RUNS_WAITING_BEFORE_A_WAVE);
          await handlers.scanWave(installationId, wave, read);
        }
      })();
      scans.set(scan, installationId);
      void scan.finally(() => scans.delete(scan));
    },
    backlog: async (installationId) => backlog(installationId),
    async depths() {
      const installations = new Set([...queue.installations(), ...scans.values()]);
      return new Map([...installations].map((installationId) => [installationId, backlog(installationId)]));
    },
    async idle() {
      do {
        await Promise.allSettled([...scans.keys()]);
        await queue.idle();
      } while (scans.size > 0);
    },
    // Waiting runs are cheap closures that read afresh when they start; nothing else is kept here.
    forget: async () => {},
    close: async () => {},
  };
}
