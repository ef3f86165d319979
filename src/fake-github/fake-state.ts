// What the fake GitHub knows: repositories with their tags (annotated ones as tag objects, as
// git stores them) and branches, loaded from refs data or seeded by tests.
import type { RepoRefs } from '../resolve/repo-refs.js';

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
}

export interface FakeState {
  readonly repositories: Map<string, FakeRepository>;
}

export function createFakeState(refs: readonly RepoRefs[] = []): FakeState {
  const state: FakeState = { repositories: new Map() };
  for (const entry of refs) addRepository(state, entry);
  return state;
}

export function addRepository(state: FakeState, refs: RepoRefs, options: { private?: boolean } = {}): FakeRepository {
  const [owner = '', name = ''] = refs.repo.split('/');
  const repository: FakeRepository = {
    owner,
    name,
    defaultBranch: refs.default_branch,
    tags: new Map(refs.tags.map((tag) => [tag.name, { name: tag.name, commit: tag.sha, tagObject: tag.tag_object_sha ?? undefined }])),
    branches: new Map(refs.branches.map((branch) => [branch.name, branch.sha])),
    commits: new Set([refs.head]),
    private: options.private ?? false,
  };
  state.repositories.set(`${owner}/${name}`.toLowerCase(), repository);
  return repository;
}

export function findRepository(state: FakeState, owner: string, name: string): FakeRepository | undefined {
  return state.repositories.get(`${owner}/${name}`.toLowerCase());
}

/** Every commit the repository holds, as far as the fake knows. */
export function repositoryCommits(repository: FakeRepository): Set<string> {
  return new Set([...repository.commits, ...[...repository.tags.values()].map((tag) => tag.commit), ...repository.branches.values()]);
}
