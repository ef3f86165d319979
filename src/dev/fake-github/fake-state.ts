// What the fake GitHub knows: repositories with their tags (annotated ones as tag objects, as
// git stores them) and branches, loaded from refs data or seeded by tests.
import type { FakeSarifUpload, FakeSnapshot } from './security-routes.js';
import type { RepoRefs } from '../../resolve/repo-refs.js';
import { createGitStore, writeBlob, writeCommit, writeTree } from './git-store.js';
import type { GitStore, TreeEntry } from './git-store.js';

/** The one installation of the fake (the local app's, the demo's, the benchmarks'). */
export const INSTALLATION_ID = 4242;

export interface FakeTag {
  readonly name: string;
  readonly commit: string;
  /** The annotated tag object's id; undefined for a lightweight tag. */
  readonly tagObject: string | undefined;
}

export interface FakeRepository {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly tags: Map<string, FakeTag>;
  readonly branches: Map<string, string>;
  /** Commits the repository holds beyond its ref tips. */
  readonly commits: Set<string>;
  readonly private: boolean;
  readonly archived: boolean;
  readonly fork: boolean;
  /** Files, trees and commits of seeded repositories (empty for refs-only ones). */
  readonly git: GitStore;
  /** Part of the app's installation (seeded repositories); refs-only action repositories are not. */
  readonly installed: boolean;
  /** Issues and pull requests share one numbering, as on GitHub. */
  readonly issues: Map<number, FakeIssue>;
  readonly comments: FakeComment[];
  /** login → permission (`admin`, `maintain`, `write`, `triage`, `read`); others are `none`. */
  readonly collaborators: Map<string, string>;
  /** The repository's labels (an issue can carry only these). */
  readonly labels: Set<string>;
  /** Commits that exist only in a fork of the network (impostors): served, but in no ref's history. */
  readonly forkOnly: Set<string>;
  /** Workflow runs, as `GET /repos/{owner}/{repo}/actions/runs` lists them. */
  readonly runs: FakeRun[];
  /** Check runs, as apps create and update them. */
  readonly checkRuns: FakeCheckRun[];
  /** History given by refs data (`commits[].parents`), and commit dates. */
  readonly parents: Map<string, readonly string[]>;
  readonly commitDates: Map<string, string>;
  /** Releases, newest first, as `GET /repos/{owner}/{repo}/releases` lists them. */
  readonly releases: FakeRelease[];
  /** Code scanning analyses uploaded, oldest first; the alerts are computed from them. */
  readonly sarifUploads: FakeSarifUpload[];
  /** Dependency snapshots submitted, oldest first. */
  readonly snapshots: FakeSnapshot[];
  /** Reports GitHub refuses here (403): no `security_events` permission, the dependency graph off. */
  readonly refusedReports: Set<'code-scanning' | 'dependency-graph'>;
}

export interface FakeRelease {
  readonly id: number;
  readonly tag: string;
  readonly publishedAt: string;
  readonly immutable: boolean;
  readonly draft: boolean;
  readonly prerelease: boolean;
}

export interface FakeAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: 'notice' | 'warning' | 'failure';
  readonly message: string;
  readonly title?: string;
  readonly raw_details?: string;
}

export interface FakeCheckRun {
  readonly id: number;
  readonly headSha: string;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  readonly annotations: FakeAnnotation[];
  actions: { label: string; description: string; identifier: string }[];
  /** Requests that wrote this run, and how many annotations each carried (GitHub takes 50 at most). */
  readonly writes: number[];
}

export interface FakeRun {
  readonly id: number;
  /** The workflow file, `.github/workflows/ci.yml`. */
  readonly path: string;
  readonly headSha: string;
  /** ISO time. */
  readonly createdAt: string;
}

export interface FakeUser {
  readonly login: string;
  readonly type: 'User' | 'Bot';
}

export interface FakeIssue {
  readonly number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  readonly user: FakeUser;
  labels: string[];
  /** Present on pull requests; `fork` when the head branch lives in another repository. */
  pull?: {
    readonly head: string;
    readonly base: string;
    merged: boolean;
    readonly fork?: { readonly fullName: string; sha: string };
  };
}

export interface FakeComment {
  readonly id: number;
  readonly issueNumber: number;
  readonly body: string;
  readonly user: FakeUser;
  readonly reactions: string[];
}

/** A GitHub advisory for an action, as the fake's `--advisories FILE` lists it. */
export interface FakeAdvisory {
  readonly ghsaId: string;
  readonly summary: string;
  readonly severity: 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL';
  /** `owner/repo` of the action. */
  readonly package: string;
  readonly vulnerableVersionRange: string;
  readonly firstPatchedVersion: string | null;
}

export interface FakeState {
  readonly repositories: Map<string, FakeRepository>;
  /** GitHub's advisory database for the Actions ecosystem, as far as the fake knows it. */
  readonly advisories: readonly FakeAdvisory[];
  /** Who the installation token acts as (what the app's own comments and pull requests show). */
  readonly appUser: FakeUser;
  /** Ids for comments, pull requests and other records, unique across the fake. */
  nextId: number;
}

export function createFakeState(
  refs: readonly RepoRefs[] = [],
  options: { appSlug?: string; advisories?: readonly FakeAdvisory[] } = {},
): FakeState {
  const state: FakeState = {
    repositories: new Map(),
    advisories: options.advisories ?? [],
    appUser: { login: `${options.appSlug ?? 'pinwarden'}[bot]`, type: 'Bot' },
    nextId: 1000,
  };
  for (const entry of refs) addRepository(state, entry);
  return state;
}

export function addRepository(state: FakeState, refs: RepoRefs, options: { private?: boolean } = {}): FakeRepository {
  const [owner = '', name = ''] = refs.repo.split('/');
  const repository: FakeRepository = {
    owner,
    name,
    defaultBranch: refs.default_branch,
    tags: new Map(
      refs.tags.map((tag) => [
        tag.name,
        { name: tag.name, commit: tag.sha, tagObject: tag.tag_object_sha ?? undefined },
      ]),
    ),
    branches: new Map(refs.branches.map((branch) => [branch.name, branch.sha])),
    commits: new Set([refs.head]),
    private: options.private ?? false,
    archived: false,
    fork: false,
    git: createGitStore(),
    installed: false,
    ...emptyCollaboration(),
  };
  for (const commit of refs.commits ?? []) {
    repository.commits.add(commit.sha);
    if (!commit.reachable) repository.forkOnly.add(commit.sha);
    if (commit.parents) repository.parents.set(commit.sha, commit.parents);
    if (commit.date) repository.commitDates.set(commit.sha, commit.date);
  }
  (refs.releases ?? []).forEach((release, index) => {
    repository.releases.push({
      id: 9_000 + index,
      tag: release.tag,
      publishedAt: release.publishedAt,
      immutable: release.immutable ?? false,
      draft: release.draft ?? false,
      prerelease: release.prerelease ?? false,
    });
  });
  // Files at a commit (an action's action.yml at the pinned SHA) live in the git store under that id.
  for (const [sha, files] of Object.entries(refs.files ?? {})) {
    const tree = writeTree(
      repository.git,
      new Map(
        Object.entries(files).map(([path, text]) => [path, { mode: '100644', sha: writeBlob(repository.git, text) }]),
      ),
    );
    repository.git.commits.set(sha, {
      sha,
      tree,
      parents: [],
      message: 'Files from refs data',
      date: '2026-01-01T00:00:00Z',
    });
  }
  state.repositories.set(`${owner}/${name}`.toLowerCase(), repository);
  return repository;
}

export interface RepositorySeed {
  readonly fullName: string;
  readonly defaultBranch?: string;
  /** path → text; none at all makes an empty repository (no commit, no branch). */
  readonly files?: Readonly<Record<string, string>>;
  readonly private?: boolean;
  readonly archived?: boolean;
  readonly fork?: boolean;
}

/** A repository with real files on its default branch, for tests to pin and read back. */
export function seedRepository(state: FakeState, seed: RepositorySeed): FakeRepository {
  const [owner = '', name = ''] = seed.fullName.split('/');
  const git = createGitStore();
  const defaultBranch = seed.defaultBranch ?? 'main';
  const branches = new Map<string, string>();
  const files = Object.entries(seed.files ?? {});
  if (files.length > 0) {
    const tree = writeTree(
      git,
      new Map<string, TreeEntry>(files.map(([path, text]) => [path, { mode: '100644', sha: writeBlob(git, text) }])),
    );
    branches.set(
      defaultBranch,
      writeCommit(git, { tree, parents: [], message: 'Initial commit', date: '2026-01-01T00:00:00Z' }),
    );
  }
  const repository: FakeRepository = {
    owner,
    name,
    defaultBranch,
    tags: new Map(),
    branches,
    commits: new Set(),
    private: seed.private ?? false,
    archived: seed.archived ?? false,
    fork: seed.fork ?? false,
    git,
    installed: true,
    ...emptyCollaboration(),
  };
  state.repositories.set(`${owner}/${name}`.toLowerCase(), repository);
  return repository;
}

function emptyCollaboration() {
  return {
    issues: new Map<number, FakeIssue>(),
    comments: [] as FakeComment[],
    collaborators: new Map<string, string>(),
    labels: new Set<string>(),
    forkOnly: new Set<string>(),
    runs: [] as FakeRun[],
    checkRuns: [] as FakeCheckRun[],
    parents: new Map<string, readonly string[]>(),
    commitDates: new Map<string, string>(),
    releases: [] as FakeRelease[],
    sarifUploads: [] as FakeSarifUpload[],
    snapshots: [] as FakeSnapshot[],
    refusedReports: new Set<'code-scanning' | 'dependency-graph'>(),
  };
}

/** Opens an issue (or, with `pull`, a pull request) under the next number; returns it. */
export function openIssue(
  repository: FakeRepository,
  issue: Omit<FakeIssue, 'number' | 'state' | 'labels'> & { labels?: string[] },
): FakeIssue {
  const number = Math.max(0, ...repository.issues.keys()) + 1;
  const opened: FakeIssue = { labels: [], ...issue, number, state: 'open' };
  repository.issues.set(number, opened);
  return opened;
}

export function addComment(
  state: FakeState,
  repository: FakeRepository,
  comment: Omit<FakeComment, 'id' | 'reactions'>,
): FakeComment {
  state.nextId += 1;
  const added: FakeComment = { ...comment, id: state.nextId, reactions: [] };
  repository.comments.push(added);
  return added;
}

export function pullRequests(repository: FakeRepository): FakeIssue[] {
  return [...repository.issues.values()].filter((issue) => issue.pull);
}

export function findRepository(state: FakeState, owner: string, name: string): FakeRepository | undefined {
  return state.repositories.get(`${owner}/${name}`.toLowerCase());
}

/** Every commit the repository holds, as far as the fake knows. */
export function repositoryCommits(repository: FakeRepository): Set<string> {
  return new Set([
    ...repository.commits,
    ...repository.git.commits.keys(),
    ...[...repository.tags.values()].map((tag) => tag.commit),
    ...repository.branches.values(),
  ]);
}

/** A branch name, tag name or commit id → commit id, as `git rev-parse` would (branch first). */
export function resolveRevision(repository: FakeRepository, revision: string): string | undefined {
  if (revision === 'HEAD') return repository.branches.get(repository.defaultBranch);
  return (
    repository.branches.get(revision) ??
    repository.tags.get(revision)?.commit ??
    [...repositoryCommits(repository)].find((commit) => revision.length >= 7 && commit.startsWith(revision))
  );
}

/** A commit on top of `branch` (created from the default branch if missing), as a person's push would make. */
export function commitToBranch(
  repository: FakeRepository,
  branch: string,
  changes: Readonly<Record<string, string | null>>,
  message = 'Update files',
): string {
  const parent = repository.branches.get(branch) ?? repository.branches.get(repository.defaultBranch);
  const commit = parent
    ? commitOnTopOf(repository, parent, changes, message)
    : writeCommit(repository.git, {
        tree: writeTree(
          repository.git,
          new Map(
            Object.entries(changes).flatMap(([path, text]) =>
              text === null ? [] : [[path, { mode: '100644', sha: writeBlob(repository.git, text) }] as const],
            ),
          ),
        ),
        parents: [],
        message,
        date: new Date().toISOString(),
      });
  repository.branches.set(branch, commit);
  return commit;
}

/** Advisories as the fake serves them (GitHub's GraphQL severity words). */
export function toFakeAdvisories(
  advisories: readonly {
    ghsaId: string;
    summary: string;
    severity: string;
    package: string;
    vulnerableVersionRange: string;
    firstPatchedVersion: string | undefined;
  }[],
): FakeAdvisory[] {
  const word = { critical: 'CRITICAL', high: 'HIGH', medium: 'MODERATE', low: 'LOW' } as const;
  return advisories.map((advisory) => ({
    ...advisory,
    severity: word[advisory.severity as keyof typeof word] ?? 'MODERATE',
    firstPatchedVersion: advisory.firstPatchedVersion ?? null,
  }));
}

/**
 * A person's pull request: `changes` committed on `head` (from the default branch) and the pull
 * request opened. With `fork`, the commit lives only as the pull request's head, as a fork's does.
 */
export function openPullRequest(
  repository: FakeRepository,
  input: {
    title: string;
    head: string;
    user: FakeUser;
    changes: Readonly<Record<string, string | null>>;
    fork?: string;
  },
): FakeIssue {
  const base = repository.defaultBranch;
  if (!input.fork) {
    commitToBranch(repository, input.head, input.changes, input.title);
    return openIssue(repository, {
      title: input.title,
      body: '',
      user: input.user,
      pull: { head: input.head, base, merged: false },
    });
  }
  const parent = repository.branches.get(base)!;
  const sha = commitOnTopOf(repository, parent, input.changes, input.title);
  return openIssue(repository, {
    title: input.title,
    body: '',
    user: input.user,
    pull: { head: input.head, base, merged: false, fork: { fullName: input.fork, sha } },
  });
}

/** The commit a pull request's head names now. */
export function pullHead(repository: FakeRepository, pull: NonNullable<FakeIssue['pull']>): string | undefined {
  return pull.fork ? pull.fork.sha : repository.branches.get(pull.head);
}

/** A new commit with `changes` on top of `parent`, on no branch. */
export function commitOnTopOf(
  repository: FakeRepository,
  parent: string,
  changes: Readonly<Record<string, string | null>>,
  message: string,
): string {
  const entries = new Map(repository.git.trees.get(repository.git.commits.get(parent)!.tree)!);
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) entries.delete(path);
    else entries.set(path, { mode: '100644', sha: writeBlob(repository.git, text) });
  }
  return writeCommit(repository.git, {
    tree: writeTree(repository.git, entries),
    parents: [parent],
    message,
    date: new Date().toISOString(),
  });
}
