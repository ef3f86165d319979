// The Probot app: webhooks in, repository runs queued, answers out. Handlers only decide what
// to queue and return at once (GitHub wants an answer within 10 s); the work happens in the
// per-installation queue, and `idle()` lets tests and the demo wait for it.
import type { ApplicationFunction, Probot } from 'probot';
import type { Logger } from 'pino';
import { DEPENDABOT_PATHS } from '../dependabot/plan-dependabot.js';
import type { AuditFacts } from '../audit/audit-facts.js';
import { withinBodyLimit } from '../markdown/github-limits.js';
import { inlineCode } from '../markdown/safe-markdown.js';
import { BUILT_IN_COMPROMISES } from '../audit/built-in.js';
import { knownGoodOf } from '../audit/known-compromised.js';
import { createPinTrust } from '../trust/pin-trust.js';
import type { PinTrust } from '../trust/pin-trust.js';
import { createMemorySeenTags } from '../trust/seen-tags.js';
import type { SeenTags } from '../trust/sources.js';
import { createGitHubAuditFacts } from '../github/github-audit-facts.js';
import { createOctokitRefResolver } from '../github/octokit-ref-resolver.js';
import { createCachingResolver } from '../resolve/caching-resolver.js';
import type { RefResolver } from '../resolve/types.js';
import { isPinCommand } from '../command/parse-pin-command.js';
import { RefusalWindow } from '../command/refusal-window.js';
import { fileKindOf } from '../workflow/file-kind.js';
import { imagePathsAmong } from '../images/image-file-kind.js';
import type { GitHubClient } from '../github/github-client.js';
import { CONFIG_PATH, createConfigLoader } from '../github/load-config.js';
import { runRepositoryJob } from '../jobs/pin-repository-job.js';
import { describeOutcome } from '../jobs/job-outcome.js';
import type { JobOutcome } from '../jobs/job-outcome.js';
import { createImageResolvers } from './image-resolvers.js';
import { OrgDashboards, statusOfOutcome } from '../jobs/org-dashboard.js';
import type { DashboardStore } from '../dashboard/dashboard-store.js';
import { applyCheckFix, runCheck } from '../jobs/run-check.js';
import type { CheckDeps, CheckTarget } from '../jobs/run-check.js';
import { CHECK_NAME, PIN_ACTION } from '../check/render-check.js';
import type { ImageResolverSettings } from './image-resolvers.js';
import { createPreReads } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';
import { listInstallation, readWave, scanWave } from '../jobs/scan-installation.js';
import { createInMemoryRunQueue } from '../queue/in-memory-run-queue.js';
import type { ReadWave, RunQueue, RunQueueFactory, RunQueueHandlers, RunRepository, ScanInstallation, ScanWave } from '../queue/run-queue.js';
import type { RunRequest } from '../queue/pending-run.js';
import type { SharedCache } from '../scale/shared-cache.js';
import type { PinwardenMetrics } from '../server/metrics.js';
import { outcomeLabel } from '../jobs/job-outcome.js';
import { withSharedAuditFacts, withSharedResolutions } from '../scale/shared-resolutions.js';
import { queuePriority } from '../rollout/rollout-order.js';

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
  readonly dashboard?: { readonly intervalMs?: number; readonly repository?: string | undefined; readonly store?: DashboardStore };
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

const WRITERS = new Set(['admin', 'maintain', 'write']);

/** Whether `login` may write to the repository (asked through the API), and the role GitHub names. */
async function writeAccess(github: GitHubClient, repo: { owner: string; repo: string }, login: string): Promise<{ allowed: boolean; role: string }> {
  const { data } = await github.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
  return { allowed: WRITERS.has(data.permission) || WRITERS.has(data.role_name), role: data.role_name };
}
/** The audit's facts (advisories above all) are read afresh after this. */
const AUDIT_FACTS_TTL_MS = 60 * 60_000;
/** A run's installation client is made anew after this. */
const CLIENT_TTL_MS = 10 * 60_000;
/** A head checked within this is not checked again for a second event of the same push. */
const RECENT_CHECK_MS = 60_000;

/**
 * Whether a push changed something pinwarden reads (with `images`, any file that may name an
 * image: Dockerfiles, compose files, any YAML). Without a commit list (over 2,048), assume so.
 */
export function pushTouchesWatchedFiles(commits: readonly { added?: string[]; modified?: string[]; removed?: string[] }[], options: { readonly images?: boolean } = {}): boolean {
  if (commits.length === 0 || commits.length >= 2048) return true;
  return commits.some((commit) =>
    [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].some(
      (path) => fileKindOf(path) !== undefined || path === CONFIG_PATH || (DEPENDABOT_PATHS as readonly string[]).includes(path) || (options.images === true && imagePathsAmong([path]).length > 0),
    ),
  );
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
  let dashboards: OrgDashboards | undefined;
  let queue: RunQueue | undefined;
  /** Heads checked lately (installation/owner/repo@sha → when), so one push is checked once. */
  const recentChecks = new Map<string, number>();
  // One resolver (and its cache) per installation: refs of public actions repeat across an org.
  const resolvers = new Map<number, RefResolver>();
  // The audit's facts per installation, made anew each hour so the advisory database is fresh.
  const auditFacts = new Map<number, { facts: AuditFacts; at: number }>();
  // Pin-time trust per installation's facts; the tags seen are remembered for every installation.
  const seenTags = options.seenTags ?? createMemorySeenTags();
  const trusts = new WeakMap<AuditFacts, PinTrust>();
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };

  const app: ApplicationFunction = (probot: Probot) => {
    const webUrl = options.webUrl;
    const appLog = probot.log as unknown as Logger;
    if (options.dashboard) dashboards = new OrgDashboards({ ...options.dashboard, log: appLog });

    const resolverFor = (installationId: number, github: GitHubClient): RefResolver => {
      if (!resolvers.has(installationId)) {
        const asked = createOctokitRefResolver(github);
        resolvers.set(installationId, createCachingResolver(options.sharedCache ? withSharedResolutions(asked, options.sharedCache, installationId) : asked, { batchWindowMs: 25 }));
      }
      return resolvers.get(installationId)!;
    };
    const auditFactsFor = (installationId: number, github: GitHubClient): AuditFacts => {
      const held = auditFacts.get(installationId);
      if (held && Date.now() - held.at < AUDIT_FACTS_TTL_MS) return held.facts;
      const asked = createGitHubAuditFacts(github, resolverFor(installationId, github));
      const facts = options.sharedCache ? withSharedAuditFacts(asked, options.sharedCache, installationId) : asked;
      auditFacts.set(installationId, { facts, at: Date.now() });
      return facts;
    };
    const trustFor = (installationId: number, github: GitHubClient): PinTrust | undefined => {
      const facts = auditFactsFor(installationId, github);
      if (!facts.trust) return undefined;
      if (!trusts.has(facts)) trusts.set(facts, createPinTrust(facts.trust, { seen: seenTags, isKnownGood: knownGoodOf(BUILT_IN_COMPROMISES) }));
      return trusts.get(facts);
    };
    const backlogOf = (installationId: number) => queue?.backlog(installationId) ?? Promise.resolve(0);
    // One installation client for many runs (it renews its own token): making one per run cost
    // about a third of a 1,000-repository dry run.
    const clients = new Map<number, { github: Promise<GitHubClient>; at: number }>();
    const clientFor = (installationId: number): Promise<GitHubClient> => {
      const held = clients.get(installationId);
      if (held && Date.now() - held.at < CLIENT_TTL_MS) return held.github;
      const github = probot.auth(installationId) as Promise<GitHubClient>;
      clients.set(installationId, { github, at: Date.now() });
      void github.catch(() => clients.delete(installationId));
      return github;
    };

    // A queued run, on whichever replica takes it: its own installation client, the read the
    // scan kept when this replica made it, and the replies its commands asked for.
    const run: RunRepository = async (installationId, repository, pending) => {
      const full = `${repository.owner}/${repository.name}`;
      const log = appLog.child({ installation: installationId, repository: full, trigger: pending.trigger });
      let outcome: JobOutcome | undefined;
      let github: GitHubClient | undefined;
      try {
        github = await clientFor(installationId);
        const trust = trustFor(installationId, github);
        const deps = { github, resolver: resolverFor(installationId, github), auditFacts: auditFactsFor(installationId, github), ...(trust ? { trust } : {}), loadConfig, log, webUrl: webUrl ?? webUrlFor(github.request.endpoint.DEFAULTS.baseUrl), dryRun: options.dryRun ?? false, ...(imageResolverFor ? { imageResolverFor } : {}) };
        outcome = await runRepositoryJob(deps, repository, pending.trigger, await preReads.take(installationId, full, pending.trigger));
        options.onOutcome?.(full, outcome);
      } catch (error) {
        log.error({ err: error }, 'run failed');
      }
      options.metrics?.runs.inc({ outcome: outcomeLabel(outcome) });
      if (github) dashboards?.record(installationId, github, repository.owner, statusOfOutcome(full, outcome), () => backlogOf(installationId));
      for (const reply of pending.replies) {
        const body = withinBodyLimit(`@${reply.login} ${outcome ? describeOutcome(outcome) : 'the run failed; the app logged the error. Comment `/pinwarden pin` to try again.'}`);
        await github?.rest.issues.createComment({ owner: repository.owner, repo: repository.name, issue_number: reply.issueNumber, body }).catch((error: unknown) => log.warn({ err: error }, 'the reply to a command could not be posted'));
      }
    };

    // The install's scan lists the repositories; its waves read them, on any replica in Redis.
    const scanDeps = async (installationId: number, log: Logger) => {
      const github = await clientFor(installationId);
      return {
        github,
        log,
        installationId,
        resolver: resolverFor(installationId, github),
        auditFacts: auditFactsFor(installationId, github),
        preReads,
        loadConfig,
        imageResolverFor,
        submit: (request: RunRequest) => queue!.submit(request),
        know: (owner: string, repositories: readonly string[]) => dashboards?.know(installationId, github, owner, repositories, () => backlogOf(installationId)),
      };
    };
    // A failure is logged and thrown again: BullMQ's retries queue it again where there are any.
    const logged = async <T>(log: Logger, what: string, work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        log.error({ err: error }, what);
        throw error;
      }
    };
    const scan: ScanInstallation = async (installationId, listed) => {
      const log = appLog.child({ installation: installationId, event: 'scan' });
      return logged(log, 'listing the repositories of the installation failed', async () => listInstallation(await scanDeps(installationId, log), listed));
    };
    const wave: ScanWave = async (installationId, names, read) => {
      const log = appLog.child({ installation: installationId, event: 'scan' });
      await logged(log, 'scanning a wave of the installation failed', async () => scanWave(await scanDeps(installationId, log), names, read));
    };
    const readAhead: ReadWave = async (installationId, names) => {
      const log = appLog.child({ installation: installationId, event: 'scan' });
      // readWave never rejects; only the client can, and then the wave's runs read for themselves.
      return clientFor(installationId).then(
        (github) => readWave({ github, log }, names),
        (error: unknown) => {
          log.warn({ err: error }, 'reading a wave ahead failed: no installation client');
          return new Map();
        },
      );
    };

    const createQueue = options.runQueue ?? ((handlers: RunQueueHandlers) => createInMemoryRunQueue(handlers, { concurrency: options.concurrency ?? 4, debounceMs: options.debounceMs ?? 5_000 }));
    queue = createQueue({ run, scan, scanWave: wave, readWave: readAhead });

    const submit = (request: Omit<RunRequest, 'priority'>) => queue!.submit({ ...request, priority: queuePriority(request.trigger) });

    // An install's scan is queued like a run (in Redis it survives a restart); it queues the runs.
    probot.on('installation.created', async (context) => {
      await queue!.scan(context.payload.installation.id, context.payload.repositories?.map((repository) => repository.full_name));
    });

    probot.on('installation_repositories.added', async (context) => {
      await queue!.scan(context.payload.installation.id, context.payload.repositories_added.map((repository) => repository.full_name));
    });

    // Uninstalled: nothing more may be done for it, and nothing of it is kept.
    probot.on('installation.deleted', async (context) => {
      const installationId = context.payload.installation.id;
      (context.log as unknown as Logger).info({ installation: installationId }, 'installation deleted: dropping its queued runs and caches');
      await queue!.forget(installationId);
      await options.sharedCache?.forget(installationId);
      resolvers.delete(installationId);
      auditFacts.delete(installationId);
      clients.delete(installationId);
      await preReads.forget(installationId);
      dashboards?.forget(installationId);
    });

    probot.on('push', async (context) => {
      const { payload } = context;
      const log = context.log.child({ event: 'push', repository: payload.repository.full_name }) as unknown as Logger;
      if (!payload.installation || !payload.repository.owner) return;
      if (payload.deleted || payload.ref !== `refs/heads/${payload.repository.default_branch}`) {
        log.debug('ignored: not a push to the default branch');
        return;
      }
      // The org-wide config lives in the `.github` repository: a change there is read afresh.
      if (payload.repository.name === '.github' && payload.commits.some((commit) => [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].includes(CONFIG_PATH))) {
        loadConfig.forget(payload.repository.owner.login);
      }
      if (!pushTouchesWatchedFiles(payload.commits, { images: imageResolverFor !== undefined })) {
        log.debug('ignored: the push changed no workflow, action, image or pinwarden file');
        return;
      }
      await submit({ installationId: payload.installation.id, owner: payload.repository.owner.login, name: payload.repository.name, trigger: 'push' });
    });

    // The pull-request check. A push to a pull request's branch brings both `pull_request.synchronize`
    // and `check_suite.requested`: a head checked in the last minute is not checked again unless asked.
    const checkDeps = (github: GitHubClient, log: Logger, installationId: number): CheckDeps => {
      const trust = trustFor(installationId, github);
      return { github, resolver: resolverFor(installationId, github), auditFacts: auditFactsFor(installationId, github), ...(trust ? { trust } : {}), imageResolverFor, loadConfig, log };
    };
    const check = (github: GitHubClient, log: Logger, installationId: number, target: CheckTarget, force: boolean) => {
      const key = `${installationId}/${target.owner}/${target.name}@${target.headSha}`.toLowerCase();
      if (!force && recentChecks.has(key)) return;
      recentChecks.set(key, Date.now());
      for (const [seen, at] of recentChecks) if (Date.now() - at > RECENT_CHECK_MS) recentChecks.delete(seen);
      track(runCheck(checkDeps(github, log, installationId), target).catch((error: unknown) => log.error({ err: error }, 'check failed')));
    };

    probot.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], async (context) => {
      const { payload } = context;
      if (!payload.installation) return;
      const log = context.log.child({ event: `pull_request.${payload.action}`, repository: payload.repository.full_name }) as unknown as Logger;
      const sameRepository = payload.pull_request.head.repo?.full_name === payload.repository.full_name;
      check(context.octokit as GitHubClient, log, payload.installation.id, { owner: payload.repository.owner.login, name: payload.repository.name, pullNumber: payload.pull_request.number, headSha: payload.pull_request.head.sha, headRef: sameRepository ? payload.pull_request.head.ref : undefined }, false);
    });

    probot.on(['check_suite.requested', 'check_suite.rerequested'], async (context) => {
      const { payload } = context;
      if (!payload.installation) return;
      const log = context.log.child({ event: `check_suite.${payload.action}`, repository: payload.repository.full_name }) as unknown as Logger;
      // GitHub lists only pull requests from this repository's branches here.
      for (const pull of payload.check_suite.pull_requests) {
        check(context.octokit as GitHubClient, log, payload.installation.id, { owner: payload.repository.owner.login, name: payload.repository.name, pullNumber: pull.number, headSha: payload.check_suite.head_sha, headRef: pull.head.ref }, payload.action === 'rerequested');
      }
    });

    probot.on('check_run.rerequested', async (context) => {
      const { payload } = context;
      if (!payload.installation || payload.check_run.name !== CHECK_NAME) return;
      const log = context.log.child({ event: 'check_run.rerequested', repository: payload.repository.full_name }) as unknown as Logger;
      for (const pull of payload.check_run.pull_requests) {
        check(context.octokit as GitHubClient, log, payload.installation.id, { owner: payload.repository.owner.login, name: payload.repository.name, pullNumber: pull.number, headSha: payload.check_run.head_sha, headRef: pull.head.ref }, true);
      }
    });

    probot.on('check_run.requested_action', async (context) => {
      const { payload } = context;
      if (!payload.installation || payload.check_run.name !== CHECK_NAME || payload.requested_action?.identifier !== PIN_ACTION.identifier) return;
      const log = context.log.child({ event: 'check_run.requested_action', repository: payload.repository.full_name }) as unknown as Logger;
      const github = context.octokit as GitHubClient;
      const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
      const pull = payload.check_run.pull_requests[0];
      const sender = payload.sender;
      const installationId = payload.installation.id;
      track(
        (async () => {
          // GitHub shows the button to people who can write; asked again, as the comment command does.
          const access = await writeAccess(github, repo, sender.login);
          if (!access.allowed) {
            log.info({ sender: sender.login }, 'refused: the sender cannot write to the repository');
            // Said where it was pressed: the button stays for those who can write.
            await github.rest.checks.update({ ...repo, check_run_id: payload.check_run.id, output: { title: 'Not pinned: write access needed', summary: `Only people who can write to this repository can pin from here; ${inlineCode(sender.login)} has ${inlineCode(access.role)}. A maintainer can press the button, or comment \`/pinwarden pin\`.` } });
            return;
          }
          if (!pull) {
            log.info('no pull request from this repository for the run; nothing pushed');
            return;
          }
          const outcome = await applyCheckFix(checkDeps(github, log, installationId), { owner: repo.owner, name: repo.repo, pullNumber: pull.number, headSha: payload.check_run.head_sha, headRef: pull.head.ref, checkRunId: payload.check_run.id });
          log.info({ outcome: outcome.status }, `pin them: ${outcome.status}`);
        })().catch((error: unknown) => log.error({ err: error }, 'pin them failed')),
      );
    });

    probot.on('issue_comment.created', async (context) => {
      const { payload } = context;
      if (!payload.installation || !isPinCommand(payload.comment.body)) return;
      const log = context.log.child({ event: 'issue_comment.created', repository: payload.repository.full_name }) as unknown as Logger;
      const commenter = payload.comment.user;
      if (!commenter || commenter.type === 'Bot') {
        log.info({ commenter: commenter?.login }, 'ignored: the command came from a bot');
        return;
      }
      const github = context.octokit as GitHubClient;
      const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
      const installationId = payload.installation.id;
      track(
        (async () => {
          const access = await writeAccess(github, repo, commenter.login);
          if (!access.allowed) {
            log.info({ commenter: commenter.login, permission: access.role }, 'refused: the commenter cannot write to the repository');
            // Told once per issue and window; asking again gets a reaction, never another post.
            if (refusals.firstRefusal(`${installationId}/${payload.repository.full_name}#${payload.issue.number}`, commenter.login)) {
              await github.rest.issues.createComment({ ...repo, issue_number: payload.issue.number, body: `@${commenter.login} thanks for asking; only people with write access to this repository can run pinwarden (your access here is \`${access.role}\`). A maintainer can comment \`/pinwarden pin\` instead.` });
            } else {
              await github.rest.reactions.createForIssueComment({ ...repo, comment_id: payload.comment.id, content: 'confused' });
            }
            return;
          }
          await github.rest.reactions.createForIssueComment({ ...repo, comment_id: payload.comment.id, content: 'eyes' });
          // The run answers the comment when it ends, on whichever replica runs it.
          await submit({ installationId, owner: repo.owner, name: repo.repo, trigger: 'command', reply: { issueNumber: payload.issue.number, login: commenter.login } });
        })().catch((error: unknown) => log.error({ err: error }, 'command failed')),
      );
    });
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
