// The default queue: runs wait in this process (RepositoryQueue), as a small install needs. A
// restart forgets them; the next push or command asks again.
import { RepositoryQueue } from '../app/repository-queue.js';
import type { RunQueue, RunQueueHandlers } from './run-queue.js';
import type { RunRequest } from './pending-run.js';

export function createInMemoryRunQueue(handlers: RunQueueHandlers, options: { concurrency: number; debounceMs: number }): RunQueue {
  const queue = new RepositoryQueue<void>(options);
  const scans = new Set<Promise<void>>();
  return {
    async submit(request: RunRequest) {
      void queue.submit(request.installationId, `${request.owner}/${request.name}`, request, (pending) => handlers.run(request.installationId, { owner: request.owner, name: request.name }, pending));
    },
    async scan(installationId, listed) {
      const scan = handlers.scan(installationId, listed);
      scans.add(scan);
      void scan.finally(() => scans.delete(scan));
    },
    backlog: async (installationId) => queue.backlog(installationId),
    async idle() {
      do {
        await Promise.allSettled([...scans]);
        await queue.idle();
      } while (scans.size > 0);
    },
    // Waiting runs are cheap closures that read afresh when they start; nothing else is kept here.
    forget: async () => {},
    close: async () => {},
  };
}
