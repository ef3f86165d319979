// Carries out a pull-request decision: the branch put on the default branch's head (GraphQL
// updateRefs, compare-and-swap on the head this run read), one commit holding every file appended with
// createCommitOnBranch (GitHub signs it; it refuses if the branch moved meanwhile), and the pull
// request opened, updated or reopened over REST. Three writes for a new pull request (one more when
// the signing steps are written as a commit of their own); none when everything is current.
import type { FileChange } from '../plan/plan-repository.js';
import type { PullRequestDecision } from '../pull-request/decide-pull-request.js';
import type { PullRequestText } from '../pull-request/render-pull-request.js';
import type { GitHubClient } from './github-client.js';
import { statusOf } from './github-client.js';
import { PIN_BRANCH } from '../pull-request/render-pull-request.js';

export interface RepositoryTarget {
  readonly owner: string;
  readonly name: string;
  readonly repositoryId: string;
  readonly defaultBranch: string;
  readonly headSha: string;
  /** pinwarden's branch as this run read it (node id and head), when it exists. */
  readonly branch: { readonly id: string; readonly head: string } | undefined;
}

const ZERO_OID = '0'.repeat(40);
/** Compare-and-swap: the branch moves only if it is still where this run read it (absent: zeros). */
const PUT_BRANCH = `mutation pinwardenPutBranch($repositoryId: ID!, $name: GitRefname!, $before: GitObjectID!, $after: GitObjectID!) {
  updateRefs(input: { repositoryId: $repositoryId, refUpdates: [{ name: $name, beforeOid: $before, afterOid: $after, force: true }] }) { clientMutationId }
}`;

const CREATE_BRANCH = `mutation pinwardenCreateBranch($repositoryId: ID!, $name: String!, $oid: GitObjectID!) {
  createRef(input: { repositoryId: $repositoryId, name: $name, oid: $oid }) { ref { id } }
}`;
const MOVE_BRANCH = `mutation pinwardenMoveBranch($refId: ID!, $oid: GitObjectID!) {
  updateRef(input: { refId: $refId, oid: $oid, force: true }) { ref { id } }
}`;
const COMMIT = `mutation pinwardenCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

/**
 * One signed commit on `branch` holding `changes`, through createCommitOnBranch: GitHub refuses it
 * (STALE_DATA) when the branch is no longer at `expectedHeadOid`. Returns the commit's id.
 */
export async function commitFiles(
  github: GitHubClient,
  input: {
    owner: string;
    name: string;
    branch: string;
    expectedHeadOid: string;
    message: string;
    changes: readonly FileChange[];
  },
): Promise<string> {
  const [headline = '', ...rest] = input.message.split('\n');
  const answer = await github.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(COMMIT, {
    input: {
      branch: { repositoryNameWithOwner: `${input.owner}/${input.name}`, branchName: input.branch },
      expectedHeadOid: input.expectedHeadOid,
      message: { headline, body: rest.join('\n').trim() },
      fileChanges: {
        additions: input.changes.map((change) => ({
          path: change.path,
          contents: Buffer.from(change.text, 'utf8').toString('base64'),
        })),
      },
    },
  });
  return answer.createCommitOnBranch.commit.oid;
}

export interface WrittenPullRequest {
  readonly number: number;
  readonly url: string;
  readonly action: 'created' | 'updated' | 'reopened' | 'unchanged';
  readonly committed: boolean;
}

/** One commit the pull request's branch gets: its message (with pinwarden's trailers) and files. */
export interface CommitToWrite {
  readonly message: string;
  readonly changes: readonly FileChange[];
}

/** `commits`: in order, each on the one before (the pins, then the signing steps when written). */
export async function writePullRequest(
  github: GitHubClient,
  target: RepositoryTarget,
  decision: Extract<PullRequestDecision, { kind: 'write' }>,
  commits: readonly CommitToWrite[],
  text: Pick<PullRequestText, 'title' | 'body'>,
  labels: readonly string[],
): Promise<WrittenPullRequest> {
  const repo = { owner: target.owner, repo: target.name };
  if (decision.branch !== 'current') {
    await putBranchOnBase(github, target);
    let head = target.headSha;
    for (const commit of commits)
      head = await commitFiles(github, {
        owner: target.owner,
        name: target.name,
        branch: PIN_BRANCH,
        expectedHeadOid: head,
        message: commit.message,
        changes: commit.changes,
      });
  }
  const committed = decision.branch !== 'current';
  const fields = { title: text.title, body: text.body };
  const { pullRequest } = decision;
  if (pullRequest.action === 'keep')
    return { number: pullRequest.existing.number, url: pullRequest.existing.url, action: 'unchanged', committed };
  if (pullRequest.action === 'update') {
    await github.rest.pulls.update({ ...repo, pull_number: pullRequest.existing.number, ...fields });
    return { number: pullRequest.existing.number, url: pullRequest.existing.url, action: 'updated', committed };
  }
  if (pullRequest.action === 'reopen') {
    try {
      await github.rest.pulls.update({ ...repo, pull_number: pullRequest.existing.number, ...fields, state: 'open' });
      await addLabels(github, repo, pullRequest.existing.number, labels);
      return { number: pullRequest.existing.number, url: pullRequest.existing.url, action: 'reopened', committed };
    } catch (error) {
      // GitHub will not reopen some pull requests (branch recreated since); open a new one.
      if (statusOf(error) !== 422) throw error;
    }
  }
  try {
    const { data } = await github.rest.pulls.create({
      ...repo,
      ...fields,
      head: PIN_BRANCH,
      base: target.defaultBranch,
      maintainer_can_modify: true,
    });
    await addLabels(github, repo, data.number, labels);
    return { number: data.number, url: data.html_url, action: 'created', committed };
  } catch (error) {
    // An earlier run opened it after this run read the repository: update that one.
    if (statusOf(error) !== 422) throw error;
    const { data: open } = await github.rest.pulls.list({
      ...repo,
      head: `${target.owner}:${PIN_BRANCH}`,
      state: 'open',
      per_page: 1,
    });
    const existing = open[0];
    if (!existing) throw error;
    await github.rest.pulls.update({ ...repo, pull_number: existing.number, ...fields });
    return { number: existing.number, url: existing.html_url, action: 'updated', committed };
  }
}

/**
 * pinwarden's branch at the default branch's head, ready for the one commit. `updateRefs` moves
 * it only if nobody pushed to it since this run read it, so a person's commit is never replaced.
 */
async function putBranchOnBase(github: GitHubClient, target: RepositoryTarget): Promise<void> {
  try {
    await github.graphql(PUT_BRANCH, {
      repositoryId: target.repositoryId,
      name: `refs/heads/${PIN_BRANCH}`,
      before: target.branch?.head ?? ZERO_OID,
      after: target.headSha,
    });
    return;
  } catch (error) {
    if (!isMissingMutation(error, 'updateRefs')) throw error;
  }
  // A GitHub Enterprise Server without `updateRefs`: create the branch, or move it by force.
  if (target.branch) {
    await github.graphql(MOVE_BRANCH, { refId: target.branch.id, oid: target.headSha });
    return;
  }
  try {
    await github.graphql(CREATE_BRANCH, {
      repositoryId: target.repositoryId,
      name: `refs/heads/${PIN_BRANCH}`,
      oid: target.headSha,
    });
  } catch (error) {
    // Created since this run read the repository (a crash, a race): move it instead.
    if ((error as { name?: string }).name !== 'GraphqlResponseError') throw error;
    await github.rest.git.updateRef({
      owner: target.owner,
      repo: target.name,
      ref: `heads/${PIN_BRANCH}`,
      sha: target.headSha,
      force: true,
    });
  }
}

/** GitHub's answer when its schema lacks a mutation (`Field 'x' doesn't exist on type 'Mutation'`). */
function isMissingMutation(error: unknown, field: string): boolean {
  const messages = ((error as { errors?: { message?: string }[] }).errors ?? []).map((entry) => entry.message ?? '');
  return messages.some(
    (message) => message.includes(field) && /doesn't exist on type|Cannot query field/.test(message),
  );
}

async function addLabels(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  number: number,
  labels: readonly string[],
): Promise<void> {
  if (labels.length > 0) await github.rest.issues.addLabels({ ...repo, issue_number: number, labels: [...labels] });
}
