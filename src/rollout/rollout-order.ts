// Which repositories an install pins first. A 1,000-repository organisation takes hours of paced
// writes, so the order matters: the repositories most exposed to a moved tag go first.
//   0 — references an action with a known compromise (by a bad commit, or by any mutable ref);
//   1 — references a third-party action by a mutable ref (tag or branch);
//   2 — references only GitHub's own actions (`actions/*`, `github/*`) by a mutable ref;
//   3 — nothing mutable to pin (or nothing read).
// Pure: the references as located, and the compromises pinwarden ships.
import type { CompromiseIndex } from '../audit/known-compromised.js';
import { isRemoteRef, repositoryOf } from '../workflow/parse-action-ref.js';
import type { UsesReference } from '../workflow/types.js';

export type RolloutRank = 0 | 1 | 2 | 3;

const FIRST_PARTY_OWNERS = new Set(['actions', 'github']);

export function rolloutRank(references: readonly UsesReference[], compromises: CompromiseIndex): RolloutRank {
  let rank: RolloutRank = 3;
  for (const { ref } of references) {
    if (!isRemoteRef(ref)) continue;
    const repository = repositoryOf(ref);
    const mutable = ref.refKind !== 'full-sha';
    if (compromises.incidentsOf(repository).length > 0 && (mutable || compromises.badCommit(repository, ref.ref)))
      return 0;
    if (!mutable) continue;
    rank = Math.min(rank, FIRST_PARTY_OWNERS.has(ref.owner.toLowerCase()) ? 2 : 1) as RolloutRank;
  }
  return rank;
}

/** The order runs are queued in: a person waiting on a command first, then pushes, then the install by rank. */
export function queuePriority(trigger: 'command' | 'push' | 'install', rank: RolloutRank = 3): number {
  return trigger === 'command' ? 1 : trigger === 'push' ? 2 : 3 + rank;
}
