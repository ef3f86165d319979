// One GraphQL query reads everything a repository's run needs from its default branch: the
// workflows and action manifests with their text, dependabot.yml, pinwarden.yml, whether the
// repository is archived, a fork or empty, and the state of pinwarden's branch and pull request.
import PQueue from 'p-queue';
import { ATTENTION_LABEL, issueKindOf } from '../attention/attention-issue.js';
import type { OpenAttentionIssue } from '../attention/attention-issue.js';
import type { SnapshotFile } from '../plan/plan-repository.js';
import type { ExistingPullRequest } from '../pull-request/decide-pull-request.js';
import { ACTIONS_LOCK_PATH } from '../workflow/actions-lock.js';
import { fileKindOf } from '../workflow/file-kind.js';
import type { GitHubClient } from './github-client.js';
import { READ_CONCURRENCY } from './read-concurrency.js';
import type { KeptImageRead } from './read-image-files.js';
import { BLOB, blobTaker } from './blobs.js';
import type { Blob } from './blobs.js';
import { PRE_COMMIT_PATH } from '../pre-commit/locate-pre-commit.js';
import { PIN_BRANCH } from '../pull-request/render-pull-request.js';

const FOLDER = (depth: number): string =>
  `... on Tree { entries { path type object { ${BLOB} ${depth > 1 ? FOLDER(depth - 1) : ''} } } }`;

/**
 * pinwarden's open issues of a repository (the kinds are told apart by their marker, and only
 * those this App wrote count: `viewerDidAuthor`, as the installation token is the App's bot).
 * Oldest first and thirty of them: a handful of people's issues with the label cannot bury
 * pinwarden's, which is opened on the first run.
 */
export const PINWARDEN_ISSUES_FIELD = `issues(first: 30, states: [OPEN], labels: ["${ATTENTION_LABEL}"], orderBy: { field: CREATED_AT, direction: ASC }) {
      nodes { number body author { __typename } viewerDidAuthor }
    }`;

const REPOSITORY_FIELDS = `
    id isArchived isFork isEmpty
    defaultBranchRef { name target { oid } }
    workflows: object(expression: "HEAD:.github/workflows") { ${FOLDER(1)} }
    actions: object(expression: "HEAD:.github/actions") { ${FOLDER(3)} }
    root: object(expression: "HEAD:") { ... on Tree { entries { name type object { ... on Tree { entries { name type } } } } } }
    rootAction: object(expression: "HEAD:action.yml") { ${BLOB} }
    rootActionYaml: object(expression: "HEAD:action.yaml") { ${BLOB} }
    dependabot: object(expression: "HEAD:.github/dependabot.yml") { ${BLOB} }
    dependabotYaml: object(expression: "HEAD:.github/dependabot.yaml") { ${BLOB} }
    config: object(expression: "HEAD:.github/pinwarden.yml") { ${BLOB} }
    actionsLock: object(expression: "HEAD:.github/workflows/actions.lock") { ${BLOB} }
    preCommit: object(expression: "HEAD:.pre-commit-config.yaml") { ${BLOB} }
    pinBranch: ref(qualifiedName: "refs/heads/${PIN_BRANCH}") { id target { oid ... on Commit { message parents(first: 2) { nodes { oid } } } } }
    pullRequests(headRefName: "${PIN_BRANCH}", first: 1, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { number state url title body comments(last: 30) { nodes { body } } }
    }
    attention: ${PINWARDEN_ISSUES_FIELD}`;

export const READ_REPOSITORY_QUERY = `query pinwardenReadRepository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {${REPOSITORY_FIELDS}
  }
}`;

/** Repositories read per query when an installation brings many at once. */
export const READ_BATCH_SIZE = 10;

/** Several repositories in one query, one alias each; owner and name go in as JSON strings. */
export function readRepositoriesQuery(repositories: readonly { owner: string; name: string }[]): string {
  const fields = repositories.map(
    (repository, index) =>
      `  r${index}: repository(owner: ${JSON.stringify(repository.owner)}, name: ${JSON.stringify(repository.name)}) { ...pinwardenRepository }`,
  );
  return `query pinwardenReadRepositories {\n${fields.join('\n')}\n}\nfragment pinwardenRepository on Repository {${REPOSITORY_FIELDS}\n}`;
}

interface TreeEntry {
  readonly path: string;
  readonly type: string;
  readonly object: (Partial<Blob> & { entries?: TreeEntry[] }) | null;
}
interface Folder {
  readonly entries?: TreeEntry[];
}

interface ReadRepositoryResponse {
  readonly repository: RepositoryFields;
}

interface RepositoryFields {
  readonly id: string;
  readonly isArchived: boolean;
  readonly isFork: boolean;
  readonly isEmpty: boolean;
  readonly defaultBranchRef: { readonly name: string; readonly target: { readonly oid: string } } | null;
  readonly workflows: Folder | null;
  readonly actions: Folder | null;
  readonly root: {
    readonly entries?: { name: string; type: string; object: { entries?: { name: string; type: string }[] } | null }[];
  } | null;
  readonly rootAction: Blob | null;
  readonly rootActionYaml: Blob | null;
  readonly dependabot: Blob | null;
  readonly dependabotYaml: Blob | null;
  readonly config: Blob | null;
  readonly actionsLock: Blob | null;
  /** Absent from answers made before pinwarden read it (a fleet's older pre-reads). */
  readonly preCommit?: Blob | null;
  readonly pinBranch: {
    readonly id: string;
    readonly target: {
      readonly oid: string;
      readonly message?: string;
      readonly parents?: { readonly nodes: { readonly oid: string }[] };
    };
  } | null;
  readonly pullRequests: {
    readonly nodes: {
      number: number;
      state: 'OPEN' | 'CLOSED' | 'MERGED';
      url: string;
      title: string;
      body: string;
      comments: { nodes: { body: string }[] };
    }[];
  };
  readonly attention: {
    readonly nodes: {
      number: number;
      body: string;
      author: { __typename: string } | null;
      viewerDidAuthor?: boolean;
    }[];
  };
}

export interface PinBranchState {
  /** The branch ref's node id, for GraphQL's updateRef. */
  readonly id: string;
  readonly head: string;
  readonly message: string;
  readonly parents: readonly string[];
}

export type RepositoryRead =
  | { readonly status: 'skipped'; readonly reason: 'archived' | 'fork' | 'empty' }
  | {
      readonly status: 'read';
      /** The repository's node id, for GraphQL mutations. */
      readonly repositoryId: string;
      readonly defaultBranch: string;
      readonly headSha: string;
      readonly files: readonly SnapshotFile[];
      /** Action manifests in top-level folders (`tools/action.yml`), found by name, text not read yet. */
      readonly unreadPaths: readonly string[];
      readonly unreadable: readonly { readonly path: string; readonly reason: string }[];
      readonly dependabot: SnapshotFile | undefined;
      /** `.github/pinwarden.yml` of this repository, when it has one. */
      readonly configText: string | undefined;
      /** `.github/workflows/actions.lock`, when the repository has one. */
      readonly actionsLock: SnapshotFile | undefined;
      /** `.pre-commit-config.yaml`, when the repository has one. */
      readonly preCommit?: SnapshotFile | undefined;
      readonly pinBranch: PinBranchState | undefined;
      /** The newest pull request from pinwarden's branch, whatever its state. */
      readonly pullRequest: ExistingPullRequest | undefined;
      /** pinwarden's open "needs attention" issue, when there is one. */
      readonly attentionIssue: OpenAttentionIssue | undefined;
      /** pinwarden's open "security findings" issue, when there is one. */
      readonly findingsIssue: OpenAttentionIssue | undefined;
      /** The image files, when an install's wave read them for the run (scan-installation.ts). */
      readonly images?: KeptImageRead;
    };

export async function readRepository(github: GitHubClient, owner: string, name: string): Promise<RepositoryRead> {
  const { repository } = await github.graphql<ReadRepositoryResponse>(READ_REPOSITORY_QUERY, { owner, name });
  const [read] = await readFoundManifests(github, [{ owner, name, read: parseRepository(repository) }]);
  return read!;
}

/** How `readRepositories` keys its answers: owner and name are case-insensitive on GitHub. */
export function repositoryKey(repository: { owner: string; name: string }): string {
  return `${repository.owner}/${repository.name}`.toLowerCase();
}

/**
 * Many repositories in one query each `READ_BATCH_SIZE`. A repository GitHub could not answer
 * for (gone, no access) is left out of the map; its run reads it again on its own.
 */
export async function readRepositories(
  github: GitHubClient,
  repositories: readonly { owner: string; name: string }[],
): Promise<Map<string, RepositoryRead>> {
  const batches: (typeof repositories)[] = [];
  for (let start = 0; start < repositories.length; start += READ_BATCH_SIZE)
    batches.push(repositories.slice(start, start + READ_BATCH_SIZE));
  // A few batches in flight, as many as an installation's runs (each run reads on its own the same
  // way): the wave's reads wait on latency, not on GitHub, and Octokit's throttling still holds.
  const queue = new PQueue({ concurrency: READ_CONCURRENCY });
  const reads = await Promise.all(batches.map((batch) => queue.add(() => readBatch(github, batch))));
  return new Map(reads.flatMap((read) => [...read]));
}

async function readBatch(
  github: GitHubClient,
  batch: readonly { owner: string; name: string }[],
): Promise<Map<string, RepositoryRead>> {
  let data: Record<string, RepositoryFields | null> | undefined;
  try {
    data = await github.graphql<Record<string, RepositoryFields | null>>(readRepositoriesQuery(batch));
  } catch (error) {
    // Missing repositories come back as null beside an error; Octokit throws but keeps the data.
    data = (error as { data?: Record<string, RepositoryFields | null> }).data;
    if (!data) throw error;
  }
  const found = batch.flatMap((repository, index) => {
    const fields = data?.[`r${index}`];
    return fields ? [{ ...repository, read: parseRepository(fields) }] : [];
  });
  const completed = await readFoundManifests(github, found);
  return new Map(found.map((repository, index) => [repositoryKey(repository), completed[index]!]));
}

type Found = { readonly owner: string; readonly name: string; readonly read: RepositoryRead };

/**
 * Reads the text of the action manifests a read found by name only, for all `found` in one
 * query at the commit each was read at; returns the reads completed.
 */
async function readFoundManifests(github: GitHubClient, found: readonly Found[]): Promise<RepositoryRead[]> {
  const pending = found.flatMap((entry, index) =>
    entry.read.status === 'read' && entry.read.unreadPaths.length > 0 ? [{ ...entry, index, read: entry.read }] : [],
  );
  const reads = found.map((entry) => entry.read);
  if (pending.length === 0) return reads;
  const fields = pending.map(({ owner, name, read }, repository) => {
    const objects = read.unreadPaths.map(
      (path, file) => `f${file}: object(expression: ${JSON.stringify(`${read.headSha}:${path}`)}) { ${BLOB} }`,
    );
    return `  r${repository}: repository(owner: ${JSON.stringify(owner)}, name: ${JSON.stringify(name)}) { ${objects.join(' ')} }`;
  });
  const data = await github.graphql<Record<string, Record<string, Blob | null> | null>>(
    `query pinwardenReadManifests {\n${fields.join('\n')}\n}`,
  );
  pending.forEach(({ index, read }, repository) => {
    const files = [...read.files];
    const unreadable = [...read.unreadable];
    const take = blobTaker(files, unreadable);
    read.unreadPaths.forEach((path, file) => take(path, data[`r${repository}`]?.[`f${file}`]));
    reads[index] = { ...read, files, unreadable, unreadPaths: [] };
  });
  return reads;
}

function parseRepository(repository: RepositoryFields): RepositoryRead {
  if (repository.isArchived) return { status: 'skipped', reason: 'archived' };
  if (repository.isFork) return { status: 'skipped', reason: 'fork' };
  if (repository.isEmpty || !repository.defaultBranchRef) return { status: 'skipped', reason: 'empty' };

  const files: SnapshotFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const take = blobTaker(files, unreadable);
  const walk = (folder: Folder | null) => {
    for (const entry of folder?.entries ?? []) {
      if (entry.type === 'tree') walk(entry.object as Folder | null);
      else if (entry.type === 'blob' && fileKindOf(entry.path)) take(entry.path, entry.object);
    }
  };
  walk(repository.workflows);
  walk(repository.actions);
  take('action.yml', repository.rootAction);
  take('action.yaml', repository.rootActionYaml);
  // Composite actions also live in top-level folders (release-drafter's `drafter/action.yml`).
  const unreadPaths = (repository.root?.entries ?? []).flatMap((folder) =>
    folder.type === 'tree' && folder.name !== '.github'
      ? (folder.object?.entries ?? [])
          .filter((entry) => entry.type === 'blob' && /^action\.ya?ml$/.test(entry.name))
          .map((entry) => `${folder.name}/${entry.name}`)
      : [],
  );

  const dependabotBlob = repository.dependabot
    ? { path: '.github/dependabot.yml', blob: repository.dependabot }
    : repository.dependabotYaml
      ? { path: '.github/dependabot.yaml', blob: repository.dependabotYaml }
      : undefined;
  const pull = repository.pullRequests.nodes[0];
  const branch = repository.pinBranch?.target;
  return {
    status: 'read',
    repositoryId: repository.id,
    defaultBranch: repository.defaultBranchRef.name,
    headSha: repository.defaultBranchRef.target.oid,
    files,
    unreadPaths,
    unreadable,
    dependabot:
      dependabotBlob?.blob.text != null ? { path: dependabotBlob.path, text: dependabotBlob.blob.text } : undefined,
    configText: repository.config?.text ?? undefined,
    actionsLock:
      repository.actionsLock?.text != null ? { path: ACTIONS_LOCK_PATH, text: repository.actionsLock.text } : undefined,
    ...(repository.preCommit?.text != null
      ? { preCommit: { path: PRE_COMMIT_PATH, text: repository.preCommit.text } }
      : {}),
    pinBranch:
      branch && repository.pinBranch
        ? {
            id: repository.pinBranch.id,
            head: branch.oid,
            message: branch.message ?? '',
            parents: branch.parents?.nodes.map((node) => node.oid) ?? [],
          }
        : undefined,
    pullRequest: pull
      ? {
          number: pull.number,
          state: pull.state,
          url: pull.url,
          title: pull.title,
          body: pull.body,
          commentBodies: pull.comments.nodes.map((node) => node.body),
        }
      : undefined,
    attentionIssue: repository.attention.nodes
      .filter((issue) => issueKindOf(issue) === 'attention')
      .map(({ number, body }) => ({ number, body }))[0],
    findingsIssue: repository.attention.nodes
      .filter((issue) => issueKindOf(issue) === 'findings')
      .map(({ number, body }) => ({ number, body }))[0],
  };
}
