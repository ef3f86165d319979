// A repository's git objects in memory: blobs under their real git ids, trees as flat path
// maps, commits with parents. Enough for the fake to serve reads and the Git Data API writes
// (tree → commit → ref) that pinwarden's single-commit pull requests use.
import { memoByObject } from '../../common/object-memo.js';
import { createHash } from 'node:crypto';

export interface TreeEntry {
  readonly mode: string;
  readonly sha: string;
}

export interface GitCommit {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly date: string;
}

export interface GitStore {
  readonly blobs: Map<string, Buffer>;
  /** tree id → path → entry (files only; directories are implied by paths). */
  readonly trees: Map<string, ReadonlyMap<string, TreeEntry>>;
  readonly commits: Map<string, GitCommit>;
}

export function createGitStore(): GitStore {
  return { blobs: new Map(), trees: new Map(), commits: new Map() };
}

/** The id git itself gives a blob: sha1 of `blob <size>\0<content>`. */
export function writeBlob(store: GitStore, content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  store.blobs.set(sha, bytes);
  return sha;
}

export function writeTree(store: GitStore, entries: ReadonlyMap<string, TreeEntry>): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const sha = createHash('sha1')
    .update(`tree ${JSON.stringify(sorted)}`)
    .digest('hex');
  const tree = new Map(sorted);
  store.trees.set(sha, tree);
  // Its folders' ids as git gives them when it writes a tree, not while an answer waits for them.
  impliedDirectories(tree);
  return sha;
}

export function writeCommit(store: GitStore, commit: Omit<GitCommit, 'sha'>): string {
  const sha = createHash('sha1')
    .update(`commit ${JSON.stringify(commit)}`)
    .digest('hex');
  store.commits.set(sha, { ...commit, sha });
  return sha;
}

/** Files of a commit's tree, path → text. */
export function readCommitFiles(store: GitStore, commitSha: string): Map<string, string> {
  const commit = store.commits.get(commitSha);
  const tree = commit ? store.trees.get(commit.tree) : undefined;
  return new Map(
    [...(tree ?? new Map<string, TreeEntry>())].map(([path, entry]) => [
      path,
      store.blobs.get(entry.sha)?.toString('utf8') ?? '',
    ]),
  );
}

/** Directories implied by the file paths of a tree, each with a stable id. */
// Trees are never changed once written (their id is their content's hash): computed once a tree.
export const impliedDirectories = memoByObject((tree: ReadonlyMap<string, TreeEntry>): ReadonlyMap<string, string> => {
  // Each directory's entries below it, in the tree's order, gathered in one pass.
  const below = new Map<string, [string, TreeEntry][]>();
  for (const entry of tree) {
    const path = entry[0];
    for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      const directory = path.slice(0, slash);
      const list = below.get(directory);
      if (list) list.push(entry);
      else below.set(directory, [entry]);
    }
  }
  return new Map(
    [...below].map(([directory, entries]) => [
      directory,
      createHash('sha1')
        .update(`tree ${JSON.stringify(entries)}`)
        .digest('hex'),
    ]),
  );
});

/** Whether `ancestor` is `commit` or one of its ancestors: the fast-forward test. */
export function descendsFrom(store: GitStore, commit: string, ancestor: string): boolean {
  const pending = [commit];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (current === ancestor) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    pending.push(...(store.commits.get(current)?.parents ?? []));
  }
  return false;
}
