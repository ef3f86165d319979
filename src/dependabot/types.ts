// What pinwarden asks of Dependabot: an ecosystem, and the folders its entry watches.

/** Ecosystems whose entries pinwarden proposes: actions, and the images it pins by digest. */
export type DependabotEcosystem = 'github-actions' | 'docker' | 'docker-compose' | 'helm' | 'pre-commit';

/** An entry pinwarden wants: an ecosystem and the folders (repository-absolute, `/deploy`) it watches. */
export interface DependabotNeed {
  readonly ecosystem: DependabotEcosystem;
  readonly directories: readonly string[];
  /** Files Dependabot must leave alone (`exclude-paths`, relative to the root): workflows a generator owns. */
  readonly excludePaths?: readonly string[];
}
