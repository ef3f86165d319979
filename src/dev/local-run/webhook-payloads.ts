// Webhook payloads as GitHub sends them, with the fields pinwarden and Probot read, for the
// repositories of the fake GitHub.
import type { FakeRepository } from '../fake-github/fake-state.js';
import { pullHead } from '../fake-github/fake-state.js';
import { INSTALLATION_ID } from '../fake-github/fake-state.js';

const installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
const owner = (login: string) => ({ login, id: 1, type: 'Organization' });

/** What a payload needs of a repository: the fake's, or a name list's (benchmarks). */
type RepositoryLike = Pick<FakeRepository, 'owner' | 'name' | 'private' | 'defaultBranch'>;

function repositoryPayload(
  repository: Pick<FakeRepository, 'owner' | 'name' | 'private' | 'defaultBranch' | 'archived' | 'fork'>,
) {
  return {
    id: hash(`${repository.owner}/${repository.name}`),
    node_id: Buffer.from(`Repository:${repository.owner}/${repository.name}`).toString('base64'),
    name: repository.name,
    full_name: `${repository.owner}/${repository.name}`,
    private: repository.private,
    owner: owner(repository.owner),
    default_branch: repository.defaultBranch,
    archived: repository.archived,
    fork: repository.fork,
  };
}

export function installationCreated(
  repositories: readonly RepositoryLike[],
  account = repositories[0]?.owner ?? 'octo-org',
) {
  return {
    action: 'created',
    installation: {
      ...installation,
      account: owner(account),
      repository_selection: 'all',
      permissions: { contents: 'write', workflows: 'write', pull_requests: 'write', issues: 'write', metadata: 'read' },
    },
    repositories: repositories.map((repository) => ({
      id: hash(`${repository.owner}/${repository.name}`),
      node_id: Buffer.from(`Repository:${repository.owner}/${repository.name}`).toString('base64'),
      name: repository.name,
      full_name: `${repository.owner}/${repository.name}`,
      private: repository.private,
    })),
    sender: { login: 'octo-admin', id: 2, type: 'User' },
  };
}

export function installationRepositoriesAdded(repositories: readonly RepositoryLike[]) {
  const { repositories: added, ...rest } = installationCreated(repositories);
  return {
    ...rest,
    action: 'added',
    repository_selection: 'selected',
    repositories_added: added,
    repositories_removed: [],
  };
}

export function push(
  repository: FakeRepository,
  changed: { added?: string[]; modified?: string[]; removed?: string[] },
  ref = `refs/heads/${repository.defaultBranch}`,
) {
  const after = repository.branches.get(repository.defaultBranch) ?? '0'.repeat(40);
  return {
    ref,
    before: '0'.repeat(40),
    after,
    created: false,
    deleted: false,
    forced: false,
    commits: [
      {
        id: after,
        message: 'change',
        added: changed.added ?? [],
        modified: changed.modified ?? [],
        removed: changed.removed ?? [],
      },
    ],
    repository: repositoryPayload(repository),
    installation,
    sender: { login: 'octo-dev', id: 3, type: 'User' },
  };
}

export function issueCommentCreated(
  repository: FakeRepository,
  comment: { id: number; issueNumber: number; body: string; user: { login: string; type: 'User' | 'Bot' } },
) {
  return {
    action: 'created',
    issue: {
      number: comment.issueNumber,
      title: 'issue',
      state: 'open',
      user: { login: 'octo-dev', id: 3, type: 'User' },
    },
    comment: { id: comment.id, body: comment.body, user: { ...comment.user, id: hash(comment.user.login) } },
    repository: repositoryPayload(repository),
    installation,
    sender: { ...comment.user, id: hash(comment.user.login) },
  };
}

function hash(text: string): number {
  let value = 7;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return value;
}

/** `pull_request` (opened, synchronize, reopened) for a pull request of the fake. */
export function pullRequestEvent(
  repository: FakeRepository,
  number: number,
  action: 'opened' | 'synchronize' | 'reopened' = 'opened',
) {
  const issue = repository.issues.get(number)!;
  const pull = issue.pull!;
  const headSha = pullHead(repository, pull) ?? '0'.repeat(40);
  const base = repositoryPayload(repository);
  const [forkOwner = '', forkName = ''] = (pull.fork?.fullName ?? '').split('/');
  const headRepository = pull.fork
    ? {
        ...base,
        id: hash(pull.fork.fullName),
        name: forkName,
        full_name: pull.fork.fullName,
        owner: owner(forkOwner),
        fork: true,
      }
    : base;
  return {
    action,
    number,
    pull_request: {
      number,
      state: issue.state,
      title: issue.title,
      user: { login: issue.user.login, id: hash(issue.user.login), type: issue.user.type },
      head: { ref: pull.head, sha: headSha, repo: headRepository },
      base: { ref: pull.base, sha: repository.branches.get(pull.base)!, repo: base },
    },
    repository: base,
    installation,
    sender: { login: issue.user.login, id: hash(issue.user.login), type: issue.user.type },
  };
}

/** `check_run.requested_action`: someone pressed one of the run's buttons. */
export function checkRunRequestedAction(
  repository: FakeRepository,
  checkRun: { id: number; headSha: string; name: string },
  identifier: string,
  pullNumbers: readonly number[],
  sender: { login: string; type: 'User' | 'Bot' },
) {
  return {
    action: 'requested_action',
    check_run: {
      id: checkRun.id,
      name: checkRun.name,
      head_sha: checkRun.headSha,
      status: 'completed',
      pull_requests: pullNumbers.map((number) => {
        const pull = repository.issues.get(number)!.pull!;
        return {
          number,
          head: {
            ref: pull.head,
            sha: checkRun.headSha,
            repo: {
              id: hash(pull.fork?.fullName ?? `${repository.owner}/${repository.name}`),
              name: repository.name,
              url: '',
            },
          },
          base: {
            ref: pull.base,
            sha: repository.branches.get(pull.base)!,
            repo: { id: hash(`${repository.owner}/${repository.name}`), name: repository.name, url: '' },
          },
        };
      }),
    },
    requested_action: { identifier },
    repository: repositoryPayload(repository),
    installation,
    sender: { login: sender.login, id: hash(sender.login), type: sender.type },
  };
}
