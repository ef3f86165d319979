// Where the organisation dashboard's facts live between runs: this process by default, Redis for a
// fleet (scale/redis-dashboard-store.ts).
import type { RepositoryStatus } from './org-status.js';

/**
 * Where the boards' facts live: this process (the default), or Redis for a fleet, so that every
 * replica writes the whole organisation's dashboard, not the runs it happened to take — and one
 * replica at a time (`exclusive`), so that two never create the issue twice.
 */
export interface DashboardStore {
  know(installationId: number, repositories: readonly string[]): Promise<void>;
  record(installationId: number, status: RepositoryStatus): Promise<void>;
  read(installationId: number): Promise<{ statuses: RepositoryStatus[]; repositories: number }>;
  /** Takes the installation's next write interval: 0 when it is this replica's now, else the ms until it is free. */
  claimWrite(installationId: number, intervalMs: number): Promise<number>;
  /** `work` alone, or undefined without running it while another replica writes the dashboard. */
  exclusive<T>(installationId: number, work: () => Promise<T>): Promise<T | undefined>;
  forget(installationId: number): Promise<void>;
}

/**
 * Installations whose boards one process keeps: the most recently used. An App installed on more
 * organisations forgets the quietest board, whose dashboard is then rebuilt from its next runs (a
 * fleet's boards live in Redis).
 */
export const DASHBOARDS_KEPT = 1_000;

export function createMemoryDashboardStore(kept = DASHBOARDS_KEPT): DashboardStore {
  const boards = new Map<number, { statuses: Map<string, RepositoryStatus>; repositories: Set<string> }>();
  const intervals = new Map<number, number>();
  const board = (installationId: number) => {
    let found = boards.get(installationId);
    // Map order is recency: a board used moves to the end; the first is the least recently used.
    if (found) boards.delete(installationId);
    else {
      found = { statuses: new Map(), repositories: new Set() };
      if (boards.size >= kept) {
        const oldest = boards.keys().next().value!;
        boards.delete(oldest);
        intervals.delete(oldest);
      }
    }
    boards.set(installationId, found);
    return found;
  };
  return {
    async know(installationId, repositories) {
      for (const repository of repositories) board(installationId).repositories.add(repository.toLowerCase());
    },
    async record(installationId, status) {
      board(installationId).repositories.add(status.repository.toLowerCase());
      board(installationId).statuses.set(status.repository.toLowerCase(), status);
    },
    async read(installationId) {
      const { statuses, repositories } = board(installationId);
      return { statuses: [...statuses.values()], repositories: repositories.size };
    },
    async claimWrite(installationId, intervalMs) {
      const now = Date.now();
      const free = intervals.get(installationId) ?? 0;
      if (now < free) return free - now;
      intervals.set(installationId, now + intervalMs);
      return 0;
    },
    exclusive: (_installationId, work) => work(),
    async forget(installationId) {
      boards.delete(installationId);
      intervals.delete(installationId);
    },
  };
}
