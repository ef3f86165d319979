// A run's share of the kept reads, as queue-work.ts takes it: the read taken, when it may serve the run.
import { readServing } from '../../src/queue/pre-reads.js';
import type { PreReads, RunAsked } from '../../src/queue/pre-reads.js';
import type { RepositoryRead } from '../../src/github/read-repository.js';

export async function takeFor(
  preReads: PreReads,
  installationId: number,
  repository: string,
  run: RunAsked,
): Promise<RepositoryRead | undefined> {
  return readServing(await preReads.take(installationId, repository), run);
}
