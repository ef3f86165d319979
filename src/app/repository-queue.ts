// The work behind webhooks: one p-queue per installation bounds how many repositories run at
// once; runs for the same repository are serialised and coalesced. Events that arrive while a
// run for that repository waits join it (ten pushes in a row → one run after the last); events
// that arrive while it runs start one more run when it ends.
import PQueue from 'p-queue';
import type { Trigger } from '../pull-request/decide-pull-request.js';

/** A command outranks an install, which outranks a push (a command may reopen a closed PR). */
const STRENGTH: Record<Trigger, number> = { push: 0, install: 1, command: 2 };

interface Waiting<T> {
  trigger: Trigger;
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

  constructor(options: RepositoryQueueOptions) {
    this.#options = options;
  }

  /** Runs `run` for the repository, joined with any run still waiting; resolves with its result. */
  submit(installationId: number, repository: string, trigger: Trigger, run: (trigger: Trigger) => Promise<T>): Promise<T> {
    const key = `${installationId}:${repository.toLowerCase()}`;
    const entry = this.#repositories.get(key) ?? { waiting: undefined, tail: Promise.resolve() };
    this.#repositories.set(key, entry);
    if (entry.waiting) {
      if (STRENGTH[trigger] > STRENGTH[entry.waiting.trigger]) entry.waiting.trigger = trigger;
      return entry.waiting.promise;
    }
    const queue = this.#queueFor(installationId);
    const waiting: Waiting<T> = { trigger, promise: Promise.resolve(undefined as T) };
    const promise: Promise<T> = entry.tail
      .catch(() => undefined)
      .then(() => delay(this.#options.debounceMs))
      .then(() =>
        queue.add(() => {
          // From here on, new events start another run after this one.
          if (entry.waiting === waiting) entry.waiting = undefined;
          return run(waiting.trigger);
        }),
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

  /** Resolves once fewer than `limit` runs wait in the installation's queue (bounds read-ahead). */
  async whenBacklogBelow(installationId: number, limit: number): Promise<void> {
    await this.#queueFor(installationId).onSizeLessThan(limit);
  }

  /** Runs waiting or running in the installation's queue. */
  backlog(installationId: number): number {
    const queue = this.#installations.get(installationId);
    return queue ? queue.size + queue.pending : 0;
  }

  /** Resolves when no run is waiting or running in any installation. */
  async idle(): Promise<void> {
    while (this.#repositories.size > 0 || [...this.#installations.values()].some((queue) => queue.size + queue.pending > 0)) {
      await Promise.allSettled([...this.#repositories.values()].map((entry) => entry.tail));
      await Promise.all([...this.#installations.values()].map((queue) => queue.onIdle()));
      await delay(0);
    }
  }

  #queueFor(installationId: number): PQueue {
    if (!this.#installations.has(installationId)) this.#installations.set(installationId, new PQueue({ concurrency: this.#options.concurrency }));
    return this.#installations.get(installationId)!;
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
