// Where runs wait: in this process (the default), or in Redis for a fleet of replicas
// (bullmq-run-queue.ts). The app submits requests and gives the queue one function that runs a
// repository; the queue decides when, coalescing requests for the same repository.
import type { PendingRun, RunRequest } from './pending-run.js';

/** Runs one repository with what its requests merged into; never throws (failures are outcomes). */
export type RunRepository = (installationId: number, repository: { owner: string; name: string }, pending: PendingRun) => Promise<void>;

/** Lists an installation's repositories (the install's scan), in waves to read. */
export type ScanInstallation = (installationId: number, listed: readonly string[] | undefined) => Promise<readonly (readonly string[])[]>;

/** Reads one wave of an installation's repositories and submits their runs. */
export type ScanWave = (installationId: number, wave: readonly string[]) => Promise<void>;

export interface RunQueue {
  /** Resolves once the request is queued (durably, with Redis); not when it has run. */
  submit(request: RunRequest): Promise<void>;
  /**
   * Queues an installation's scan: in Redis it survives a restart, and its waves are jobs of their
   * own that any replica may take; in this process they are read one after another.
   */
  scan(installationId: number, listed: readonly string[] | undefined): Promise<void>;
  /** Runs waiting or running for the installation. */
  backlog(installationId: number): Promise<number>;
  /** The backlog of every installation with queued work (the queue-depth gauge). */
  depths(): Promise<ReadonlyMap<number, number>>;
  /** Resolves when nothing waits or runs (tests, the demo, the single-process drain). */
  idle(): Promise<void>;
  /** Drops the installation's waiting runs and what the queue keeps for it (installation.deleted). */
  forget(installationId: number): Promise<void>;
  /** Stops taking work; lets what runs here finish. */
  close(): Promise<void>;
}

export interface RunQueueHandlers {
  readonly run: RunRepository;
  readonly scan: ScanInstallation;
  readonly scanWave: ScanWave;
}

/** How the app gets its queue once it knows how to run and scan. */
export type RunQueueFactory = (handlers: RunQueueHandlers) => RunQueue;
