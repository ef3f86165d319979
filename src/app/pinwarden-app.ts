// The Probot app: webhooks in, repository runs queued, answers out. Handlers only decide what
// to queue and return at once (GitHub wants an answer within 10 s); the work happens in the
// per-installation queue, and `idle()` lets tests and the demo wait for it.
import type { ApplicationFunction, Probot } from 'probot';
import type { Logger } from 'pino';
import { DEPENDABOT_PATHS } from '../dependabot/plan-dependabot.js';
import type { AuditFacts } from '../audit/audit-facts.js';
import { auditFiles } from '../audit/audit-files.js';
import { createGitHubAuditFacts } from '../github/github-audit-facts.js';
import { auditedWaveFiles, withLocated } from './pin-repository-job.js';
import { createOctokitRefResolver } from '../github/octokit-ref-resolver.js';
import { createCachingResolver } from '../resolve/caching-resolver.js';
import type { RefResolver } from '../resolve/types.js';
import type { Trigger } from '../pull-request/decide-pull-request.js';
import { isPinCommand } from '../command/parse-pin-command.js';
import { RefusalWindow } from '../command/refusal-window.js';
import { fileKindOf } from '../workflow/file-kind.js';
import { imagePathsAmong } from '../images/image-file-kind.js';
import type { GitHubClient } from './github-client.js';
import { CONFIG_PATH, createConfigLoader } from './load-config.js';
import { describeOutcome, runRepositoryJob } from './pin-repository-job.js';
import type { JobOutcome } from './pin-repository-job.js';
import { RepositoryQueue } from './repository-queue.js';
import { createImageResolvers } from './image-resolvers.js';
import { OrgDashboards, statusOfOutcome } from './org-dashboard.js';
import { applyCheckFix, runCheck } from './run-check.js';
import type { CheckDeps, CheckTarget } from './run-check.js';
import { CHECK_NAME, PIN_ACTION } from '../check/render-check.js';
import type { ImageResolverSettings } from './image-resolvers.js';
import { readRepositories, repositoryKey } from './read-repository.js';
import type { RepositoryRead } from './read-repository.js';
import { collectRefRequests } from '../rewrite/plan-pins.js';

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
  /** The organisation dashboard issue; off unless given (`npm start` turns it on). */
  readonly dashboard?: { readonly intervalMs?: number; readonly repository?: string | undefined };
  /** Told of every run's outcome (benchmarks count them). */
  readonly onOutcome?: (repository: string, outcome: JobOutcome) => void;
}

export interface PinwardenApp {
  readonly app: ApplicationFunction;
  /** Resolves when every queued run and reply has finished. */
  idle(): Promise<void>;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);

/** Whether `login` may write to the repository (asked through the API), and the role GitHub names. */
async function writeAccess(github: GitHubClient, repo: { owner: string; repo: string }, login: string): Promise<{ allowed: boolean; role: string }> {
  const { data } = await github.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
  return { allowed: WRITERS.has(data.permission) || WRITERS.has(data.role_name), role: data.role_name };
}
/** Repositories read ahead per wave of an installation; bounds the snapshots held in memory. */
const READ_AHEAD_WAVE = 200;
/** The audit's facts (advisories above all) are read afresh after this. */
const AUDIT_FACTS_TTL_MS = 60 * 60_000;
/** A head checked within this is not checked again for a second event of the same push. */
const RECENT_CHECK_MS = 60_000;
/** A batched read older than this is read again by its run. */
const PRE_READ_TTL_MS = 10 * 60_000;


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
  const queue = new RepositoryQueue<JobOutcome>({ concurrency: options.concurrency ?? 4, debounceMs: options.debounceMs ?? 5_000 });
  const loadConfig = createConfigLoader();
  const refusals = new RefusalWindow();
  const imageResolverFor = options.images ? createImageResolvers(options.images) : undefined;
  let dashboards: OrgDashboards | undefined;
  /** Heads checked lately (installation/owner/repo@sha → when), so one push is checked once. */
  const recentChecks = new Map<string, number>();
  // One resolver (and its cache) per installation: refs of public actions repeat across an org.
  const resolvers = new Map<number, RefResolver>();
  const background = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };

  const app: ApplicationFunction = (probot: Probot) => {
    const webUrl = options.webUrl;
    if (options.dashboard) dashboards = new OrgDashboards({ ...options.dashboard, log: probot.log as unknown as Logger });

    const resolverFor = (installationId: number, github: GitHubClient): RefResolver => {
      if (!resolvers.has(installationId)) resolvers.set(installationId, createCachingResolver(createOctokitRefResolver(github), { batchWindowMs: 25 }));
      return resolvers.get(installationId)!;
    };
    // The audit's facts per installation, made anew each hour so the advisory database is fresh.
    const auditFacts = new Map<number, { facts: AuditFacts; at: number }>();
    const auditFactsFor = (installationId: number, github: GitHubClient): AuditFacts => {
      const held = auditFacts.get(installationId);
      if (held && Date.now() - held.at < AUDIT_FACTS_TTL_MS) return held.facts;
      const facts = createGitHubAuditFacts(github, resolverFor(installationId, github));
      auditFacts.set(installationId, { facts, at: Date.now() });
      return facts;
    };

    const schedule = (github: GitHubClient, log: Logger, installationId: number, repository: { owner: string; name: string }, trigger: Trigger, preRead?: { read: RepositoryRead; at: number }): Promise<JobOutcome | undefined> => {
      const full = `${repository.owner}/${repository.name}`;
      const repoLog = log.child({ repository: full });
      // A batched read serves the install run it was made for, unless another event joined it, it
      // aged, or pinwarden's branch exists (whose head must be read just before it is moved).
      const current = (merged: Trigger) => {
        if (!preRead || merged !== 'install' || Date.now() - preRead.at >= PRE_READ_TTL_MS) return undefined;
        return preRead.read.status === 'read' && preRead.read.pinBranch ? undefined : preRead.read;
      };
      const deps = { github, resolver: resolverFor(installationId, github), auditFacts: auditFactsFor(installationId, github), loadConfig, log: repoLog, webUrl: webUrl ?? webUrlFor(github.request.endpoint.DEFAULTS.baseUrl), dryRun: options.dryRun ?? false, ...(imageResolverFor ? { imageResolverFor } : {}) };
      const recordOnDashboard = (outcome: JobOutcome | undefined) => dashboards?.record(installationId, github, repository.owner, statusOfOutcome(full, outcome), () => queue.backlog(installationId));
      return queue.submit(installationId, full, trigger, async (merged) => {
        const outcome = await runRepositoryJob(deps, repository, merged, current(merged));
        options.onOutcome?.(full, outcome);
        recordOnDashboard(outcome);
        return outcome;
      }).catch((error: unknown) => {
        repoLog.error({ err: error }, 'run failed');
        recordOnDashboard(undefined);
        return undefined;
      });
    };

    // An installation brings many repositories at once: read them in waves, several per query,
    // resolve every ref of a wave in one ask, then queue their runs with what was read.
    const scheduleAll = (github: GitHubClient, log: Logger, installationId: number, listed: readonly { full_name: string }[] | undefined) => {
      track(
        (async () => {
          // The payload lists the repositories; when it does not, ask the installation.
          const repositories = listed ?? (await github.paginate('GET /installation/repositories', { per_page: 100 }));
          log.info({ repositories: repositories.length }, 'scanning the repositories of the installation');
          const all = repositories.map((repository) => {
            const [owner = '', name = ''] = repository.full_name.split('/');
            return { owner, name };
          });
          if (all[0]) dashboards?.know(installationId, github, all[0].owner, repositories.map((repository) => repository.full_name), () => queue.backlog(installationId));
          for (let start = 0; start < all.length; start += READ_AHEAD_WAVE) {
            const wave = all.slice(start, start + READ_AHEAD_WAVE);
            await queue.whenBacklogBelow(installationId, READ_AHEAD_WAVE);
            const reads = await readRepositories(github, wave).catch((error: unknown) => {
              log.warn({ err: error }, 'batched read failed; each repository will be read on its own');
              return new Map<string, RepositoryRead>();
            });
            // Parsed once for all: the wave's refs resolved in one ask, then the audit's questions
            // for the whole wave (comment tags, reachability, manifests), so each run finds its
            // answers in the installation's caches — and its files already located.
            const readEntries = [...reads];
            const waveFiles = await auditedWaveFiles(readEntries.map(([, read]) => (read.status === 'read' ? read.files : [])));
            const auditedByRepository = new Map(readEntries.map(([key], index) => [key, waveFiles[index]!]));
            const audited = [...auditedByRepository.values()].flat();
            await resolverFor(installationId, github).resolve(collectRefRequests(audited.flatMap((file) => (file.located.ok ? file.located.references : []))));
            await auditFiles(audited, auditFactsFor(installationId, github)).catch((error: unknown) => log.warn({ err: error }, 'the wave\'s audit warm-up failed; each run asks on its own'));
            const at = Date.now();
            for (const repository of wave) {
              const read = reads.get(repositoryKey(repository));
              track(schedule(github, log, installationId, repository, 'install', read ? { read: withLocated(read, auditedByRepository.get(repositoryKey(repository)) ?? []), at } : undefined));
            }
          }
        })().catch((error: unknown) => log.error({ err: error }, 'scheduling the installation failed')),
      );
    };

    probot.on('installation.created', async (context) => {
      const log = context.log.child({ event: 'installation.created' }) as unknown as Logger;
      scheduleAll(context.octokit as GitHubClient, log, context.payload.installation.id, context.payload.repositories);
    });

    probot.on('installation_repositories.added', async (context) => {
      const log = context.log.child({ event: 'installation_repositories.added' }) as unknown as Logger;
      scheduleAll(context.octokit as GitHubClient, log, context.payload.installation.id, context.payload.repositories_added);
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
      track(schedule(context.octokit as GitHubClient, log, payload.installation.id, { owner: payload.repository.owner.login, name: payload.repository.name }, 'push'));
    });

    // The pull-request check. A push to a pull request's branch brings both `pull_request.synchronize`
    // and `check_suite.requested`: a head checked in the last minute is not checked again unless asked.
    const checkDeps = (github: GitHubClient, log: Logger, installationId: number): CheckDeps => ({ github, resolver: resolverFor(installationId, github), auditFacts: auditFactsFor(installationId, github), imageResolverFor, loadConfig, log });
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
          if (!(await writeAccess(github, repo, sender.login)).allowed) {
            log.info({ sender: sender.login }, 'refused: the sender cannot write to the repository');
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
      const reply = (body: string) => github.rest.issues.createComment({ ...repo, issue_number: payload.issue.number, body: `@${commenter.login} ${body}` });
      const installationId = payload.installation.id;
      track(
        (async () => {
          const access = await writeAccess(github, repo, commenter.login);
          if (!access.allowed) {
            log.info({ commenter: commenter.login, permission: access.role }, 'refused: the commenter cannot write to the repository');
            // Told once per issue and window; asking again gets a reaction, never another post.
            if (refusals.firstRefusal(`${installationId}/${payload.repository.full_name}#${payload.issue.number}`, commenter.login)) {
              await reply(`thanks for asking; only people with write access to this repository can run pinwarden (your access here is \`${access.role}\`). A maintainer can comment \`/pinwarden pin\` instead.`);
            } else {
              await github.rest.reactions.createForIssueComment({ ...repo, comment_id: payload.comment.id, content: 'confused' });
            }
            return;
          }
          await github.rest.reactions.createForIssueComment({ ...repo, comment_id: payload.comment.id, content: 'eyes' });
          const outcome = await schedule(github, log, installationId, { owner: repo.owner, name: repo.repo }, 'command');
          await reply(outcome ? describeOutcome(outcome) : 'the run failed; the app logged the error. Comment `/pinwarden pin` to try again.');
        })().catch((error: unknown) => log.error({ err: error }, 'command failed')),
      );
    });
  };

  return {
    app,
    async idle() {
      do {
        await Promise.allSettled([...background]);
        await queue.idle();
        await dashboards?.flush();
      } while (background.size > 0);
    },
  };
}
