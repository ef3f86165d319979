// Carries out a pull-request decision through the Git Data API: one tree with every file, one
// commit on the default branch's head, the branch moved to it, and the pull request opened,
// updated or reopened. Four writes for a new pull request; none when everything is current.
import type { FileChange } from '../jobs/plan-repository.js';
import type { PullRequestDecision } from '../pull-request/decide-pull-request.js';
import type { PullRequestText } from '../pull-request/render-pull-request.js';
import type { GitHubClient } from './github-client.js';
import { statusOf } from './github-client.js';
import { PIN_BRANCH } from './read-repository.js';

export interface RepositoryTarget {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly headSha: string;
  readonly headTreeSha: string;
}

export interface WrittenPullRequest {
  readonly number: number;
  readonly url: string;
  readonly action: 'created' | 'updated' | 'reopened' | 'unchanged';
  readonly committed: boolean;
}

export async function writePullRequest(
  github: GitHubClient,
  target: RepositoryTarget,
  decision: Extract<PullRequestDecision, { kind: 'write' }>,
  changes: readonly FileChange[],
  text: PullRequestText,
  labels: readonly string[],
): Promise<WrittenPullRequest> {
  const repo = { owner: target.owner, repo: target.name };
  if (decision.branch !== 'current') {
    const tree = await github.rest.git.createTree({
      ...repo,
      base_tree: target.headTreeSha,
      tree: changes.map((change) => ({ path: change.path, mode: '100644' as const, type: 'blob' as const, content: change.text })),
    });
    const commit = await github.rest.git.createCommit({ ...repo, message: text.commitMessage, tree: tree.data.sha, parents: [target.headSha] });
    await moveBranch(github, repo, decision.branch, commit.data.sha);
  }
  const committed = decision.branch !== 'current';
  const fields = { title: text.title, body: text.body };
  const { pullRequest } = decision;
  if (pullRequest.action === 'keep') return { number: pullRequest.existing.number, url: pullRequest.existing.url, action: 'unchanged', committed };
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
    const { data } = await github.rest.pulls.create({ ...repo, ...fields, head: PIN_BRANCH, base: target.defaultBranch, maintainer_can_modify: true });
    await addLabels(github, repo, data.number, labels);
    return { number: data.number, url: data.html_url, action: 'created', committed };
  } catch (error) {
    // An earlier run opened it after this run read the repository: update that one.
    if (statusOf(error) !== 422) throw error;
    const { data: open } = await github.rest.pulls.list({ ...repo, head: `${target.owner}:${PIN_BRANCH}`, state: 'open', per_page: 1 });
    const existing = open[0];
    if (!existing) throw error;
    await github.rest.pulls.update({ ...repo, pull_number: existing.number, ...fields });
    return { number: existing.number, url: existing.html_url, action: 'updated', committed };
  }
}

async function moveBranch(github: GitHubClient, repo: { owner: string; repo: string }, action: 'create' | 'update', sha: string): Promise<void> {
  if (action === 'create') {
    try {
      await github.rest.git.createRef({ ...repo, ref: `refs/heads/${PIN_BRANCH}`, sha });
      return;
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
    }
  }
  // The branch holds only pinwarden's single commit (checked before): replace it.
  await github.rest.git.updateRef({ ...repo, ref: `heads/${PIN_BRANCH}`, sha, force: true });
}

async function addLabels(github: GitHubClient, repo: { owner: string; repo: string }, number: number, labels: readonly string[]): Promise<void> {
  if (labels.length > 0) await github.rest.issues.addLabels({ ...repo, issue_number: number, labels: [...labels] });
}
