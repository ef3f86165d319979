// The work the run queue does, on whichever replica takes it: a repository's run (its own
// installation client, the read the scan kept when this replica made it, the replies its commands
// asked for, the outcome counted and recorded for the dashboard), an install's listing, its waves
// scanned, and a wave read ahead.
import type { Logger } from 'pino';
import { postComment } from '../github/comments.js';
import type { GitHubClient } from '../github/github-client.js';
import { withinBodyLimit } from '../markdown/github-limits.js';
import { readServing } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';
import type { RunQueueHandlers } from '../queue/run-queue.js';
import type { PinwardenMetrics } from '../server/metrics.js';
import { describeOutcome, outcomeLabel } from './job-outcome.js';
import type { JobOutcome } from './job-outcome.js';
import { statusOfOutcome } from './org-dashboard.js';
import type { OrgDashboards } from './org-dashboard.js';
import { runRepositoryJob } from './pin-repository-job.js';
import type { RepositoryJobDeps } from './pin-repository-job.js';
import { listInstallation, readWave, scanWave } from './scan-installation.js';
import type { ScanDeps } from './scan-installation.js';

export interface QueueWorkDeps {
  readonly log: Logger;
  readonly client: (installationId: number) => Promise<GitHubClient>;
  /** What a run of the installation is handed, with its client and logger. */
  readonly jobDeps: (installationId: number, github: GitHubClient, log: Logger) => RepositoryJobDeps;
  /** What a scan of the installation is handed, with its client and logger. */
  readonly scanDeps: (installationId: number, github: GitHubClient, log: Logger) => ScanDeps;
  readonly preReads: PreReads;
  readonly dashboards: OrgDashboards | undefined;
  /** Runs waiting or running for the installation (the dashboard's queue line). */
  readonly backlog: (installationId: number) => Promise<number>;
  readonly metrics?: Pick<PinwardenMetrics, 'runs'> | undefined;
  readonly onOutcome?: ((repository: string, outcome: JobOutcome) => void) | undefined;
}

export function queueWork(deps: QueueWorkDeps): RunQueueHandlers {
  const scanLog = (installationId: number) => deps.log.child({ installation: installationId, event: 'scan' });
  return {
    async run(installationId, repository, claimed) {
      const full = `${repository.owner}/${repository.name}`;
      // Taken while the claim is on its way (in Redis, both in one round trip rather than one after
      // the other); whether it serves is known once the claim says what the run is. Its failure is
      // the run's, below; nothing pending, it is dropped (the repository's next run reads afresh).
      const kept = deps.preReads.take(installationId, full);
      kept.catch(() => undefined);
      const pending = await claimed;
      if (!pending) return;
      const log = deps.log.child({ installation: installationId, repository: full, trigger: pending.trigger });
      let outcome: JobOutcome | undefined;
      let github: GitHubClient | undefined;
      try {
        github = await deps.client(installationId);
        outcome = await runRepositoryJob(
          deps.jobDeps(installationId, github, log),
          repository,
          pending.trigger,
          readServing(await kept, pending),
        );
        deps.onOutcome?.(full, outcome);
      } catch (error) {
        log.error({ err: error }, 'run failed');
      }
      deps.metrics?.runs.inc({ outcome: outcomeLabel(outcome) });
      if (github)
        deps.dashboards?.record(installationId, github, repository.owner, statusOfOutcome(full, outcome), () =>
          deps.backlog(installationId),
        );
      for (const reply of pending.replies) {
        const body = withinBodyLimit(
          `@${reply.login} ${outcome ? describeOutcome(outcome) : 'the run failed; the app logged the error. Comment `/pinwarden pin` to try again.'}`,
        );
        if (github)
          await postComment(github, repository, reply.issueNumber, body).catch((error: unknown) =>
            log.warn({ err: error }, 'the reply to a command could not be posted'),
          );
      }
    },
    // A failure is logged and thrown again: BullMQ's retries queue it again where there are any.
    scan: (installationId, listed) =>
      logged(scanLog(installationId), 'listing the repositories of the installation failed', async (log) =>
        listInstallation(deps.scanDeps(installationId, await deps.client(installationId), log), listed),
      ),
    scanWave: (installationId, names, read) =>
      logged(scanLog(installationId), 'scanning a wave of the installation failed', async (log) =>
        scanWave(deps.scanDeps(installationId, await deps.client(installationId), log), names, read),
      ),
    // readWave never rejects; only the client can, and then the wave's runs read for themselves.
    readWave: (installationId, names) =>
      deps.client(installationId).then(
        (github) => readWave(deps.scanDeps(installationId, github, scanLog(installationId)), names),
        (error: unknown) => {
          scanLog(installationId).warn({ err: error }, 'reading a wave ahead failed: no installation client');
          return { repositories: new Map(), images: Promise.resolve(new Map()) };
        },
      ),
  };
}

async function logged<T>(log: Logger, what: string, work: (log: Logger) => Promise<T>): Promise<T> {
  try {
    return await work(log);
  } catch (error) {
    log.error({ err: error }, what);
    throw error;
  }
}
