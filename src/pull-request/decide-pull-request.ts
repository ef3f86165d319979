// What to do with pinwarden's branch and pull request this run, decided from what GitHub shows
// and what the plan wants. One branch and one pull request per repository: a re-run updates
// them; a human's commit on the branch is never overwritten; a pull request closed without merge
// stays closed unless someone asks again with the comment command.
import { createHash } from 'node:crypto';
import { COMMIT_TRAILER } from './render-pull-request.js';

export type Trigger = 'install' | 'push' | 'command';

export interface BranchState {
  readonly head: string;
  readonly message: string;
}

export interface ExistingPullRequest {
  readonly number: number;
  readonly state: 'OPEN' | 'CLOSED' | 'MERGED';
  readonly url: string;
  readonly title: string;
  readonly body: string;
  readonly commentBodies: readonly string[];
}

export type PullRequestDecision =
  | { readonly kind: 'nothing-to-pin' }
  | { readonly kind: 'closed-by-user'; readonly pullRequest: ExistingPullRequest }
  | {
      readonly kind: 'human-commits';
      readonly pullRequest: ExistingPullRequest | undefined;
      readonly alreadyNoted: boolean;
      readonly marker: string;
    }
  | {
      readonly kind: 'write';
      readonly branch: 'create' | 'update' | 'current';
      readonly pullRequest:
        | { readonly action: 'create' }
        | { readonly action: 'update' | 'keep' | 'reopen'; readonly existing: ExistingPullRequest };
    };

/** The plan's identity: the default branch commit it starts from and every file it writes. */
export function planFingerprint(
  baseSha: string,
  changes: readonly { readonly path: string; readonly text: string }[],
): string {
  const hash = createHash('sha256').update(baseSha);
  for (const change of [...changes].sort((a, b) => (a.path < b.path ? -1 : 1)))
    hash.update(`\0${change.path}\0${change.text}`);
  return hash.digest('hex').slice(0, 20);
}

export const fingerprintTrailer = (fingerprint: string): string => `Pinwarden-Plan: ${fingerprint}`;

export function decidePullRequest(input: {
  readonly trigger: Trigger;
  readonly changeCount: number;
  readonly fingerprint: string;
  /** The default branch's head the plan starts from. */
  readonly baseSha?: string;
  readonly branch: BranchState | undefined;
  readonly pullRequest: ExistingPullRequest | undefined;
  readonly title: string;
  readonly body: string;
}): PullRequestDecision {
  const { branch, pullRequest } = input;
  if (input.changeCount === 0) return { kind: 'nothing-to-pin' };
  if (pullRequest?.state === 'CLOSED' && input.trigger !== 'command') return { kind: 'closed-by-user', pullRequest };

  // A branch still at the default branch's head holds no one's commit: a run that died between
  // moving the branch and committing to it left it so (a replica killed mid-run).
  const branchIsOurs =
    branch === undefined ||
    branch.message.includes(COMMIT_TRAILER) ||
    (input.baseSha !== undefined && branch.head === input.baseSha);
  // After a merge the branch's commits are in the default branch, so they may be replaced.
  if (!branchIsOurs && pullRequest?.state !== 'MERGED') {
    const marker = `<!-- pinwarden:human-commit ${branch.head} -->`;
    return {
      kind: 'human-commits',
      pullRequest,
      alreadyNoted: pullRequest?.commentBodies.some((body) => body.includes(marker)) ?? false,
      marker,
    };
  }

  const branchAction =
    branch === undefined
      ? 'create'
      : branch.message.includes(fingerprintTrailer(input.fingerprint))
        ? 'current'
        : 'update';
  if (pullRequest?.state === 'OPEN') {
    const same = pullRequest.title === input.title && pullRequest.body === input.body;
    return {
      kind: 'write',
      branch: branchAction,
      pullRequest: { action: same ? 'keep' : 'update', existing: pullRequest },
    };
  }
  if (pullRequest?.state === 'CLOSED')
    return { kind: 'write', branch: branchAction, pullRequest: { action: 'reopen', existing: pullRequest } };
  return { kind: 'write', branch: branchAction, pullRequest: { action: 'create' } };
}
