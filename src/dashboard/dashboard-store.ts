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

export function createMemoryDashboardStore(): DashboardStore {
  const boards = new Map<number, { statuses: Map<string, RepositoryStatus>; repositories: Set<string> }>();
  const intervals = new Map<number, number>();
  const board = (installationId: number) => {
    if (!boards.has(installationId)) boards.set(installationId, { statuses: new Map(), repositories: new Set() });
    return boards.get(installationId)!;
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
