// The organisation dashboard's edge: what each run of an installation ended as is recorded, and
// one issue ("pinwarden: organisation status") in the organisation's `.github` repository — or the
// repository the operator names — is created, then edited in place. Each edit is a content write
// against the 500-an-hour budget, so it is made at most once per interval — per installation
// across the whole fleet: a replica whose interval another replica took writes after it — and only
// when the issue's text would change; `flush` writes what is pending at once (draining, tests, the demo).
import type { Logger } from 'pino';
import { decideIssue, issueKindOf } from '../attention/attention-issue.js';
import { dashboardLines } from '../dashboard/org-status.js';
import type { RepositoryStatus, RolloutState } from '../dashboard/org-status.js';
import { DASHBOARDS_KEPT, createMemoryDashboardStore } from '../dashboard/dashboard-store.js';
import type { DashboardStore } from '../dashboard/dashboard-store.js';
import { canRead, pinwardenIssues } from '../github/dashboard-issue.js';
import type { GitHubClient } from '../github/github-client.js';
import type { JobOutcome } from './job-outcome.js';
import { writeAttention } from '../github/write-attention.js';

export const DASHBOARD_INTERVAL_MS = 10 * 60_000;
/** A write that found another replica writing the same dashboard tries again after this. */
const BUSY_RETRY_MS = 5_000;
/** A new pull request: branch, commit, pull request (the code scanning and dependency-graph reports come on top). */
export const PULL_REQUEST_WRITES = 3;
const WRITES_PER_HOUR = 500;

/** Where a run left a repository, for the dashboard; a run that threw (`undefined`) failed. */
export function statusOfOutcome(repository: string, outcome: JobOutcome | undefined): RepositoryStatus {
  if (!outcome) return { repository, state: 'failed', serious: [], dependabot: undefined };
  if (outcome.status === 'skipped') return { repository, state: 'skipped', serious: [], dependabot: undefined };
  if (outcome.status === 'config-invalid')
    return { repository, state: 'config-invalid', serious: [], dependabot: undefined };
  const { report } = outcome;
  const state: RolloutState =
    outcome.status === 'pull-request' || outcome.status === 'human-commits'
      ? 'pull-request-open'
      : outcome.status === 'closed-by-user'
        ? 'closed-without-merge'
        : outcome.status === 'dry-run'
          ? outcome.decision === 'write'
            ? 'pull-request-open'
            : 'nothing-to-pin'
          : report.pullRequestState === 'MERGED'
            ? 'merged'
            : report.pullRequestState === 'OPEN'
              ? 'pull-request-open'
              : 'nothing-to-pin';
  // A pull request this run opened is linked; so is the one it found.
  const pullRequest =
    'pullRequestUrl' in outcome && outcome.pullRequestUrl ? outcome.pullRequestUrl : report.links?.pullRequest;
  const links = report.links ? { ...report.links, ...(pullRequest ? { pullRequest } : {}) } : undefined;
  return { repository, state, serious: report.serious, dependabot: report.dependabot, ...(links ? { links } : {}) };
}

interface InstallationBoard {
  readonly installationId: number;
  owner: string;
  github: GitHubClient;
  queued: () => Promise<number>;
  lastWriteAt: number;
  timer: NodeJS.Timeout | undefined;
  target: { owner: string; name: string } | null | undefined;
  writing: Promise<void> | undefined;
}

export class OrgDashboards {
  readonly #boards = new Map<number, InstallationBoard>();
  readonly #intervalMs: number;
  readonly #repositoryName: string | undefined;
  readonly #log: Pick<Logger, 'info' | 'warn'>;
  readonly #store: DashboardStore;
  readonly #pending = new Set<Promise<unknown>>();

  readonly #writesPerRun: number;
  readonly #kept: number;

  constructor(options: {
    intervalMs?: number;
    /** What a run may write: the pull request's three, and the reports sent beside it. */
    writesPerRun?: number;
    repository?: string | undefined;
    log: Pick<Logger, 'info' | 'warn'>;
    store?: DashboardStore;
    /** Installations whose boards this process keeps (DASHBOARDS_KEPT). */
    kept?: number;
  }) {
    this.#kept = options.kept ?? DASHBOARDS_KEPT;
    this.#store = options.store ?? createMemoryDashboardStore();
    this.#intervalMs = options.intervalMs ?? DASHBOARD_INTERVAL_MS;
    this.#writesPerRun = options.writesPerRun ?? PULL_REQUEST_WRITES;
    this.#repositoryName = options.repository;
    this.#log = options.log;
  }

  /** The installation's repositories as its install listed them. */
  know(
    installationId: number,
    github: GitHubClient,
    owner: string,
    repositories: readonly string[],
    queued: () => Promise<number>,
  ): void {
    this.#board(installationId, github, owner, queued);
    this.#keep(this.#store.know(installationId, repositories));
  }

  record(
    installationId: number,
    github: GitHubClient,
    owner: string,
    status: RepositoryStatus,
    queued: () => Promise<number>,
  ): void {
    const board = this.#board(installationId, github, owner, queued);
    board.github = github;
    this.#keep(this.#store.record(installationId, status));
    this.#schedule(board, board.lastWriteAt + this.#intervalMs - Date.now());
  }

  /** A write of the board after `wait` ms, unless one is due already. */
  #schedule(board: InstallationBoard, wait: number): void {
    if (board.timer || this.#boards.get(board.installationId) !== board) return;
    board.timer = setTimeout(
      () => {
        board.timer = undefined;
        void this.#write(board);
      },
      Math.max(0, wait),
    );
    board.timer.unref();
  }

  /** How many installations' boards this process holds (bounded by `kept`). */
  boardsHeld(): number {
    return this.#boards.size;
  }

  /** The installation is gone: its board is dropped, nothing more is written. */
  forget(installationId: number): void {
    const board = this.#boards.get(installationId);
    if (board?.timer) clearTimeout(board.timer);
    this.#boards.delete(installationId);
    this.#keep(this.#store.forget(installationId));
  }

  /** A store update in flight; a failed one is logged, and the next run's record tries again. */
  #keep(work: Promise<unknown>): void {
    const kept = work.catch((error: unknown) =>
      this.#log.warn({ err: error }, 'the dashboard store could not be updated'),
    );
    this.#pending.add(kept);
    void kept.finally(() => this.#pending.delete(kept));
  }

  /** Writes every pending dashboard now. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
    await Promise.all(
      [...this.#boards.values()].map(async (board) => {
        if (board.timer) {
          clearTimeout(board.timer);
          board.timer = undefined;
          await this.#write(board, true);
        }
        await board.writing;
      }),
    );
  }

  #board(
    installationId: number,
    github: GitHubClient,
    owner: string,
    queued: () => Promise<number>,
  ): InstallationBoard {
    let board = this.#boards.get(installationId);
    if (board) this.#boards.delete(installationId);
    else {
      this.#evictIdle();
      board = {
        installationId,
        owner,
        github,
        queued,
        lastWriteAt: 0,
        timer: undefined,
        target: undefined,
        writing: undefined,
      };
    }
    // Map order is recency: the board used now goes last.
    this.#boards.set(installationId, board);
    return board;
  }

  /** At the bound, the least recently used board with no write waiting or running is let go. */
  #evictIdle(): void {
    if (this.#boards.size < this.#kept) return;
    for (const [installationId, board] of this.#boards)
      if (!board.timer && !board.writing) {
        this.#boards.delete(installationId);
        return;
      }
  }

  /**
   * Writes the board when the fleet's interval for it is this replica's (`now`: at once, as a
   * flush asks); otherwise the write waits for the interval's end, or for the replica writing it
   * now, so the last runs recorded on any replica are written in the end.
   */
  #write(board: InstallationBoard, now = false): Promise<void> {
    const previous = board.writing ?? Promise.resolve();
    const writing = previous
      .then(async () => {
        const wait = now ? 0 : await this.#store.claimWrite(board.installationId, Math.max(1, this.#intervalMs));
        if (wait > 0) return this.#schedule(board, wait);
        const written = await this.#store.exclusive(board.installationId, () => this.#writeNow(board));
        if (written === undefined && !now) this.#schedule(board, BUSY_RETRY_MS);
      })
      .catch((error: unknown) =>
        this.#log.warn({ err: error, owner: board.owner }, 'the organisation dashboard could not be written'),
      );
    board.writing = writing;
    // Settled, it is no write in flight any more (an idle board may be let go at the bound).
    void writing.finally(() => {
      if (board.writing === writing) board.writing = undefined;
    });
    return writing;
  }

  async #writeNow(board: InstallationBoard): Promise<true> {
    board.lastWriteAt = Date.now();
    if (board.target === undefined) board.target = await this.#findTarget(board);
    if (board.target === null) return true;
    await Promise.all([...this.#pending]);
    const { statuses, repositories } = await this.#store.read(board.installationId);
    const lines = dashboardLines({
      owner: board.owner,
      statuses,
      repositories,
      queued: await board.queued(),
      writesPerRun: this.#writesPerRun,
      writesPerHour: WRITES_PER_HOUR,
    });
    // Looked up each time (once an interval at most): another replica may have created or edited it.
    const found = (await pinwardenIssues(board.github, board.target)).find(
      (issue) => issueKindOf(issue) === 'dashboard',
    );
    const decision = decideIssue('dashboard', found ? { number: found.number, body: found.body } : undefined, lines);
    const number = await writeAttention(board.github, board.target, decision);
    if (decision.kind !== 'none')
      this.#log.info(
        { owner: board.owner, issue: number ?? found?.number, action: decision.kind },
        `organisation dashboard: ${decision.kind}`,
      );
    return true;
  }

  /** The organisation's `.github` repository when the installation can read it, else the operator's choice. */
  async #findTarget(board: InstallationBoard): Promise<{ owner: string; name: string } | null> {
    const candidates = [...new Set(['.github', ...(this.#repositoryName ? [this.#repositoryName] : [])])];
    for (const name of candidates)
      if (await canRead(board.github, { owner: board.owner, name })) return { owner: board.owner, name };
    this.#log.info(
      { owner: board.owner },
      'no organisation dashboard: the installation has no .github repository and PINWARDEN_DASHBOARD_REPOSITORY names none it can reach',
    );
    return null;
  }
}
