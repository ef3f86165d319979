// The Probot app's wiring: per-installation services, the run queue and the work it does, the
// dashboards, and one named handler per event (handlers/). Handlers only decide what to queue and
// return at once (GitHub wants an answer within 10 s); the work happens in the queue, and `idle()`
// lets tests and the demo wait for it.
import { readFileSync } from 'node:fs';
import type { ApplicationFunction, Probot } from 'probot';
import type { Logger } from 'pino';
import { RefusalWindow } from '../command/refusal-window.js';
import type { DashboardStore } from '../dashboard/dashboard-store.js';
import { createConfigLoader } from '../github/load-config.js';
import type { GitHubClient } from '../github/github-client.js';
import { onCheckRunRerequested, onCheckSuite, onPinThemPressed, onPullRequest } from '../handlers/check-events.js';
import { onInstallationCreated, onInstallationDeleted, onRepositoriesAdded } from '../handlers/installation.js';
import { onPinCommand } from '../handlers/pin-command.js';
import { onPush } from '../handlers/push.js';
import type { HandlerServices } from '../handlers/services.js';
import type { JobOutcome } from '../jobs/job-outcome.js';
import { OrgDashboards, PULL_REQUEST_WRITES } from '../jobs/org-dashboard.js';
import { answerPinCommand } from '../jobs/pin-command.js';
import { createPinAlso } from '../jobs/pin-also.js';
import { pullRequestChecks } from '../jobs/pull-request-checks.js';
import { queueWork } from '../jobs/queue-work.js';
import { createInMemoryRunQueue } from '../queue/in-memory-run-queue.js';
import { createPreReads } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';
import type { RunQueue, RunQueueFactory, RunQueueHandlers } from '../queue/run-queue.js';
import { queuePriority } from '../rollout/rollout-order.js';
import type { SharedCache } from '../scale/shared-cache.js';
import type { PinwardenMetrics } from '../server/metrics.js';
import { createMemorySeenTags } from '../trust/seen-tags.js';
import type { SeenTags } from '../trust/sources.js';
import { createImageResolvers } from './image-resolvers.js';
import type { ImageResolverSettings } from './image-resolvers.js';
import { createInstallationServices } from './installation-services.js';
import { createMemoryReportedDigests } from '../report/reported-digests.js';
import type { ReportedDigests } from '../report/reported-digests.js';
import type { SecurityReporting } from '../jobs/report-to-github.js';

/** The version the reports name (SARIF's tool, the snapshot's detector). */
const PINWARDEN_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface PinwardenAppOptions {
  /** Repositories run at once per installation (default 4). */
  readonly concurrency?: number;
  /** Wait for more pushes to the same repository before a run starts (default 5 s). */
  readonly debounceMs?: number;
  /** Web address for links; derived from the API URL when not given. */
  readonly webUrl?: string;
  /** Read and plan only; write nothing to GitHub (PINWARDEN_DRY_RUN=1). */
  readonly dryRun?: boolean;
  /** Pin container images too, asking registries as these settings say; without them, images are left alone. */
  readonly images?: ImageResolverSettings;
  /** The organisation dashboard issue; off unless given (`npm start` turns it on). `store`: a fleet's (Redis). */
  readonly dashboard?: {
    readonly intervalMs?: number;
    readonly repository?: string | undefined;
    readonly store?: DashboardStore;
  };
  /** Where runs wait; the default keeps them in this process (createInMemoryRunQueue). */
  readonly runQueue?: RunQueueFactory;
  /** The fleet's shared caches (Redis); without it each process keeps its own. */
  readonly sharedCache?: SharedCache;
  /** Where a scan keeps what it read for the runs; the default keeps it in this process. */
  readonly preReads?: PreReads;
  /** Prometheus counters (`/metrics`). */
  readonly metrics?: Pick<PinwardenMetrics, 'runs'>;
  /** Told of every run's outcome (benchmarks count them). */
  readonly onOutcome?: (repository: string, outcome: JobOutcome) => void;
  /** Where the first commit of each release tag is remembered (a fleet's Redis); the default keeps it in this process. */
  readonly seenTags?: SeenTags;
  /**
   * Code scanning (SARIF) and the dependency graph (snapshots): both on unless turned off; `reported`
   * remembers what was sent (a fleet's Redis; the default keeps it in this process).
   */
  readonly reporting?: {
    readonly codeScanning?: boolean;
    readonly dependencyGraph?: boolean;
    readonly reported?: ReportedDigests;
  };
}

export interface PinwardenApp {
  readonly app: ApplicationFunction;
  /** Resolves when every queued run and reply has finished. */
  idle(): Promise<void>;
  /** Runs waiting or running (and scans), per installation with work: the queue-depth gauge. */
  queueDepths(): Promise<ReadonlyMap<number, number>>;
  /** Stops the queue's workers (letting their runs end); in Redis, what waits stays for the fleet. */
  close(): Promise<void>;
}

export function webUrlFor(apiUrl: string): string {
  const url = apiUrl.replace(/\/+$/, '');
  if (url === 'https://api.github.com') return 'https://github.com';
  return url.replace(/\/api\/v3$/, '');
}

export function createPinwardenApp(options: PinwardenAppOptions = {}): PinwardenApp {
  const loadConfig = createConfigLoader();
  const refusals = new RefusalWindow();
  const imageResolverFor = options.images ? createImageResolvers(options.images) : undefined;
  const preReads = options.preReads ?? createPreReads();
  const reporting: SecurityReporting = {
    reported: options.reporting?.reported ?? createMemoryReportedDigests(),
    version: PINWARDEN_VERSION,
    codeScanning: options.reporting?.codeScanning ?? true,
    dependencyGraph: options.reporting?.dependencyGraph ?? true,
  };
  let dashboards: OrgDashboards | undefined;
  let queue: RunQueue | undefined;
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };

  const app: ApplicationFunction = (probot: Probot) => {
    const appLog = probot.log as unknown as Logger;
    // A run writes its pull request, and may send each report beside it: the dashboard's ETA counts them.
    const writesPerRun = PULL_REQUEST_WRITES + (reporting.codeScanning ? 1 : 0) + (reporting.dependencyGraph ? 1 : 0);
    if (options.dashboard) dashboards = new OrgDashboards({ ...options.dashboard, writesPerRun, log: appLog });
    const installations = createInstallationServices(probot, {
      sharedCache: options.sharedCache,
      seenTags: options.seenTags ?? createMemorySeenTags(),
    });
    const backlog = (installationId: number) => queue?.backlog(installationId) ?? Promise.resolve(0);
    const facts = (installationId: number, github: GitHubClient) => {
      const trust = installations.trust(installationId, github);
      return {
        github,
        resolver: installations.resolver(installationId, github),
        auditFacts: installations.auditFacts(installationId, github),
        ...(trust ? { trust } : {}),
        loadConfig,
        imageResolverFor,
      };
    };
    const submit = (request: Parameters<HandlerServices['submit']>[0]) =>
      queue!.submit({ ...request, priority: queuePriority(request.trigger) });
    const pinAlso = createPinAlso(submit);

    const createQueue =
      options.runQueue ??
      ((handlers: RunQueueHandlers) =>
        createInMemoryRunQueue(handlers, {
          concurrency: options.concurrency ?? 4,
          debounceMs: options.debounceMs ?? 5_000,
        }));
    queue = createQueue(
      queueWork({
        log: appLog,
        client: (installationId) => installations.client(installationId),
        jobDeps: (installationId, github, log) => ({
          ...facts(installationId, github),
          log,
          webUrl: options.webUrl ?? webUrlFor(github.request.endpoint.DEFAULTS.baseUrl),
          pinAlso: pinAlso(installationId),
          reporting,
          dryRun: options.dryRun ?? false,
        }),
        scanDeps: (installationId, github, log) => ({
          ...facts(installationId, github),
          log,
          installationId,
          preReads,
          submitAll: (requests) => queue!.submitAll(requests),
          know: (owner, repositories) =>
            dashboards?.know(installationId, github, owner, repositories, () => backlog(installationId)),
        }),
        preReads,
        dashboards,
        backlog,
        metrics: options.metrics,
        onOutcome: options.onOutcome,
      }),
    );

    const services: HandlerServices = {
      scan: (installationId, listed) => queue!.scan(installationId, listed),
      async forgetInstallation(installationId) {
        await queue!.forget(installationId);
        await options.sharedCache?.forget(installationId);
        installations.forget(installationId);
        await preReads.forget(installationId);
        dashboards?.forget(installationId);
      },
      submit,
      forgetConfig: (owner) => loadConfig.forget(owner),
      imagesOn: imageResolverFor !== undefined,
      checks: pullRequestChecks({
        checkDeps: (installationId, github, log) => ({ ...facts(installationId, github), log }),
        track,
      }),
      pinCommand: (github, log, command) =>
        track(
          answerPinCommand({ github, log, refusals, submit }, command).catch((error: unknown) =>
            log.error({ err: error }, 'command failed'),
          ),
        ),
    };
    probot.on('installation.created', onInstallationCreated(services));
    probot.on('installation_repositories.added', onRepositoriesAdded(services));
    probot.on('installation.deleted', onInstallationDeleted(services));
    probot.on('push', onPush(services));
    probot.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], onPullRequest(services));
    probot.on(['check_suite.requested', 'check_suite.rerequested'], onCheckSuite(services));
    probot.on('check_run.rerequested', onCheckRunRerequested(services));
    probot.on('check_run.requested_action', onPinThemPressed(services));
    probot.on('issue_comment.created', onPinCommand(services));
  };

  return {
    app,
    async idle() {
      do {
        await Promise.allSettled([...background]);
        await queue?.idle();
        await dashboards?.flush();
      } while (background.size > 0);
    },
    queueDepths: () => queue?.depths() ?? Promise.resolve(new Map()),
    async close() {
      await queue?.close();
      await Promise.allSettled([...background]);
    },
  };
}
