// The work behind webhooks: one p-queue per installation bounds how many repositories run at
// once; runs for the same repository are serialised and coalesced. Events that arrive while a
// run for that repository waits join it (ten pushes in a row → one run after the last); events
// that arrive while it runs start one more run when it ends.
import { setImmediate as nextTurn } from 'node:timers/promises';
import PQueue from 'p-queue';
import { mergePending } from './pending-run.js';
import type { PendingRun, RunRequest } from './pending-run.js';

interface Waiting<T> {
  pending: PendingRun;
  /** The most urgent priority asked (lower runs first). */
  priority: number;
  promise: Promise<T>;
}

export interface RepositoryQueueOptions {
  /** Repositories run at once per installation. */
  readonly concurrency: number;
  /** How long a run waits for more events on its repository before it starts. */
  readonly debounceMs: number;
}

export class RepositoryQueue<T> {
  readonly #installations = new Map<number, PQueue>();
  readonly #repositories = new Map<string, { waiting: Waiting<T> | undefined; tail: Promise<unknown> }>();
  readonly #options: RepositoryQueueOptions;
  readonly #roomWaiters = new Map<number, Set<{ below: number; resolve: () => void }>>();

  constructor(options: RepositoryQueueOptions) {
    this.#options = options;
  }

  /**
   * Runs `run` for the repository with what every request joined into it asked (strongest
   * trigger, every reply), joined with any run still waiting; resolves with its result.
   */
  submit(
    installationId: number,
    repository: string,
    request: Pick<RunRequest, 'trigger' | 'reply'> & { priority?: number },
    run: (pending: PendingRun) => Promise<T>,
  ): Promise<T> {
    const key = `${installationId}:${repository.toLowerCase()}`;
    const entry = this.#repositories.get(key) ?? { waiting: undefined, tail: Promise.resolve() };
    this.#repositories.set(key, entry);
    const priority = request.priority ?? 0;
    if (entry.waiting) {
      entry.waiting.pending = mergePending(entry.waiting.pending, request);
      entry.waiting.priority = Math.min(entry.waiting.priority, priority);
      return entry.waiting.promise;
    }
    const queue = this.#queueFor(installationId);
    const waiting: Waiting<T> = {
      pending: mergePending(undefined, request),
      priority,
      promise: Promise.resolve(undefined as T),
    };
    const promise: Promise<T> = entry.tail
      .catch(() => undefined)
      .then(() => delay(this.#options.debounceMs))
      .then(() =>
        // p-queue runs higher numbers first; ours run lower first.
        queue.add(
          async () => {
            // This run has left the waiting line: a producer held back for room may go on.
            this.#wake(installationId);
            // Each run starts on a turn of the event loop of its own. A run whose reads were all
            // done ahead (an install's wave) finishes in promise callbacks alone, so runs started
            // one from another held the thread for hundreds of milliseconds while the answers of the
            // next wave's reads waited (event loop delay p99 ~200 ms -> ~35 ms; 10,000
            // repositories -12 % wall, BENCHMARKS.md).
            await nextTurn();
            // From here on, new events start another run after this one.
            if (entry.waiting === waiting) entry.waiting = undefined;
            return run(waiting.pending);
          },
          { priority: -waiting.priority },
        ),
      ) as Promise<T>;
    waiting.promise = promise;
    entry.waiting = waiting;
    entry.tail = promise;
    void promise
      .catch(() => undefined)
      .then(() => {
        if (entry.tail === promise && !entry.waiting) this.#repositories.delete(key);
      });
    return promise;
  }

  /** Runs waiting or running in the installation's queue. */
  backlog(installationId: number): number {
    const queue = this.#installations.get(installationId);
    return queue ? queue.size + queue.pending : 0;
  }

  /**
   * Resolves once fewer than `waiting` runs of the installation wait to start (those still in their
   * debounce are not counted yet), so a producer can hold back rather than pile runs up.
   */
  async roomFor(installationId: number, waiting: number): Promise<void> {
    if ((this.#installations.get(installationId)?.size ?? 0) < waiting) return;
    // Our own waiters, not p-queue's onSizeLessThan: on Node 24 its listener outlives the wait once
    // a collection has run (removed through an AbortSignal whose handler is held weakly), and every
    // later run then aborted it again — 15,000 DOMExceptions, 0.4 s of CPU at 10,000 repositories.
    await new Promise<void>((resolve) => {
      const waiters = this.#roomWaiters.get(installationId) ?? new Set();
      this.#roomWaiters.set(installationId, waiters.add({ below: waiting, resolve }));
    });
  }

  /** Lets go of the producers waiting for room once a run of the installation has left the queue. */
  #wake(installationId: number): void {
    const waiters = this.#roomWaiters.get(installationId);
    if (!waiters) return;
    const size = this.#installations.get(installationId)?.size ?? 0;
    for (const waiter of waiters)
      if (size < waiter.below) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    if (waiters.size === 0) this.#roomWaiters.delete(installationId);
  }

  /** Installations this queue has held work for. */
  installations(): number[] {
    return [...this.#installations.keys()];
  }

  /** Resolves when no run is waiting or running in any installation. */
  async idle(): Promise<void> {
    while (
      this.#repositories.size > 0 ||
      [...this.#installations.values()].some((queue) => queue.size + queue.pending > 0)
    ) {
      await Promise.allSettled([...this.#repositories.values()].map((entry) => entry.tail));
      await Promise.all([...this.#installations.values()].map((queue) => queue.onIdle()));
      await delay(0);
    }
  }

  #queueFor(installationId: number): PQueue {
    if (!this.#installations.has(installationId))
      this.#installations.set(installationId, new PQueue({ concurrency: this.#options.concurrency }));
    return this.#installations.get(installationId)!;
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
