// Where runs wait: in this process (the default), or in Redis for a fleet of replicas
// (bullmq-run-queue.ts). The app submits requests and gives the queue one function that runs a
// repository; the queue decides when, coalescing requests for the same repository.
import type { RepositoryRead } from '../github/read-repository.js';
import type { KeptImageRead } from '../github/read-image-files.js';
import type { PendingRun, RunRequest } from './pending-run.js';

/**
 * Runs one repository with what its requests merged into: the queue's claim of the pending run,
 * which may still be on its way from Redis (undefined: nothing was pending, another run did the
 * work). Failures of the run are outcomes; only a failed claim throws (the queue tries it again).
 */
export type RunRepository = (
  installationId: number,
  repository: { owner: string; name: string },
  claimed: Promise<PendingRun | undefined>,
) => Promise<void>;

/** Lists an installation's repositories (the install's scan), in waves to read. */
export type ScanInstallation = (
  installationId: number,
  listed: readonly string[] | undefined,
) => Promise<readonly (readonly string[])[]>;

/** What one wave read of its repositories (the app's business; the queue only hands it on). */
export interface WaveReads {
  readonly repositories: ReadonlyMap<string, RepositoryRead>;
  /** Their image files, by repository: may still be read when the repositories are; never rejects. */
  readonly images: Promise<ReadonlyMap<string, KeptImageRead>>;
}

/** Reads one wave's repositories ahead of its scan; never rejects (what failed is read by its run). */
export type ReadWave = (installationId: number, wave: readonly string[]) => Promise<WaveReads>;

/** Scans one wave of an installation's repositories (reading them, unless `read` already did) and submits their runs. */
export type ScanWave = (installationId: number, wave: readonly string[], read?: Promise<WaveReads>) => Promise<void>;

export interface RunQueue {
  /** Resolves once the request is queued (durably, with Redis); not when it has run. */
  submit(request: RunRequest): Promise<void>;
  /** The same for many (a wave's runs), in a few round trips to Redis instead of two each. */
  submitAll(requests: readonly RunRequest[]): Promise<void>;
  /**
   * Queues an installation's scan: in Redis it survives a restart, and its waves are jobs of their
   * own that any replica may take. Either way they are scanned one after another, the next read
   * while this one is located and planned.
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
  /** Reads a wave ahead: the in-process queue reads the next wave while this one is located and planned. */
  readonly readWave?: ReadWave;
}

/** How the app gets its queue once it knows how to run and scan. */
export type RunQueueFactory = (handlers: RunQueueHandlers) => RunQueue;
