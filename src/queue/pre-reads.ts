// What an install's scan read, kept for the runs this process takes so they need not read again:
// bounded by the text it holds (a 10,000-repository org must not fill the heap) and by age (a
// read older than ten minutes is read again by its run). Each read serves one install run.
import type { PendingRun } from './pending-run.js';
import type { RepositoryRead } from '../github/read-repository.js';

/** A batched read older than this is read again by its run. */
export const PRE_READ_TTL_MS = 10 * 60_000;
/** File text all kept reads may hold together. */
export const PRE_READ_BUDGET_BYTES = 64 * 1024 * 1024;

export interface PreReads {
  keep(installationId: number, repository: string, read: RepositoryRead, at: number): Promise<void>;
  /**
   * The read kept for the repository, young enough, taken so it serves once. Whether it may serve
   * the run is `readServing`'s to say: a run takes it before its claim tells what the run is.
   */
  take(installationId: number, repository: string): Promise<RepositoryRead | undefined>;
  forget(installationId: number): Promise<void>;
}

/** What a kept read is weighed against: the run's strongest trigger, and whether a push joined it. */
export type RunAsked = Pick<PendingRun, 'trigger' | 'pushed'>;

/**
 * Whether a kept read may serve a run: an install run that no other event joined (a command or a
 * push asks for a fresh read), and no pinwarden branch (its head must be read just before it is moved).
 */
export function servesRun(read: RepositoryRead, run: RunAsked): boolean {
  return run.trigger === 'install' && !run.pushed && !(read.status === 'read' && read.pinBranch);
}

/** A taken read, when it may serve the run (`servesRun`); otherwise the run reads afresh. */
export function readServing(read: RepositoryRead | undefined, run: RunAsked): RepositoryRead | undefined {
  return read && servesRun(read, run) ? read : undefined;
}

/** How kept reads are keyed: owner and name are case-insensitive on GitHub. */
export function preReadKey(installationId: number, repository: string): string {
  return `${installationId}:${repository.toLowerCase()}`;
}

/** The text a kept read holds, which its budget counts: workflows and actions, image files and their charts' templates. */
function readBytes(read: RepositoryRead): number {
  if (read.status !== 'read') return 0;
  const images = read.images?.read;
  const texts = [
    ...read.files.map((file) => file.text),
    ...(images?.files ?? []).flatMap((file) => [file.text, ...(file.templates ?? [])]),
    ...(images?.also ?? []).map((file) => file.text ?? ''),
  ];
  return texts.reduce((sum, text) => sum + text.length, 0);
}

export function createPreReads(options: { budgetBytes?: number; ttlMs?: number; now?: () => number } = {}): PreReads {
  const budget = options.budgetBytes ?? PRE_READ_BUDGET_BYTES;
  const ttl = options.ttlMs ?? PRE_READ_TTL_MS;
  const now = options.now ?? Date.now;
  const held = new Map<string, { read: RepositoryRead; at: number; bytes: number }>();
  let bytes = 0;
  const drop = (entryKey: string) => {
    const entry = held.get(entryKey);
    if (!entry) return;
    held.delete(entryKey);
    bytes -= entry.bytes;
  };
  // Reads are kept in the order they were read, so the expired ones come first: a sweep stops at the
  // first fresh one (walking the whole map on every keep over budget made an install quadratic).
  const sweep = () => {
    const at = now();
    for (const [entryKey, entry] of held) {
      if (at - entry.at < ttl) return;
      drop(entryKey);
    }
  };
  return {
    async keep(installationId, repository, read, at) {
      const size = readBytes(read);
      drop(preReadKey(installationId, repository));
      if (bytes + size > budget) sweep();
      if (bytes + size > budget) return;
      held.set(preReadKey(installationId, repository), { read, at, bytes: size });
      bytes += size;
    },
    async take(installationId, repository) {
      const entryKey = preReadKey(installationId, repository);
      const entry = held.get(entryKey);
      drop(entryKey);
      if (!entry || now() - entry.at >= ttl) return undefined;
      return entry.read;
    },
    async forget(installationId) {
      for (const entryKey of [...held.keys()]) if (entryKey.startsWith(preReadKey(installationId, ''))) drop(entryKey);
    },
  };
}
