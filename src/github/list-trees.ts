// Repositories' file trees listed with GraphQL, ten repositories a query, instead of one REST tree
// listing each (at 10,000 repositories that was 80 % of an installation's hourly REST budget).
// `Tree.entries` is a plain list, not a connection: the query costs its minimum whatever the tree
// holds. It goes TREE_DEPTH folders deep; a tree with a folder deeper than that is `complete:
// false`, and its caller lists it over REST (recursive) as before.
import PQueue from 'p-queue';
import type { GitHubClient } from './github-client.js';
import { READ_CONCURRENCY } from './read-concurrency.js';

/** Folders listed below the root: `a/b/c/d/e/f/file` is the deepest path a listing holds. */
export const TREE_DEPTH = 6;
const REPOSITORIES_PER_QUERY = 10;

export interface TreeEntry {
  readonly path: string;
  readonly type: string;
  readonly size?: number;
}

export interface TreeListing {
  readonly entries: readonly TreeEntry[];
  /** False when a folder lies deeper than the listing went: the caller lists it another way. */
  readonly complete: boolean;
}

interface RawEntry {
  path: string | null;
  type: string;
  size: number;
  object?: { entries?: RawEntry[] } | null;
}

function entriesField(depth: number): string {
  const below = depth > 0 ? ` object { ... on Tree { ${entriesField(depth - 1)} } }` : '';
  return `entries { path type size${below} }`;
}

export const LIST_TREES_FIELD = `... on Tree { ${entriesField(TREE_DEPTH)} }`;

/** Each repository's tree at its commit, in the order asked; undefined where GitHub did not answer. */
export async function listTrees(
  github: GitHubClient,
  repositories: readonly { readonly owner: string; readonly name: string; readonly commit: string }[],
): Promise<(TreeListing | undefined)[]> {
  const listed: (TreeListing | undefined)[] = repositories.map(() => undefined);
  // A few queries in flight, as the repositories' own reads go (READ_CONCURRENCY).
  const queue = new PQueue({ concurrency: READ_CONCURRENCY });
  const batches: number[] = [];
  for (let start = 0; start < repositories.length; start += REPOSITORIES_PER_QUERY) batches.push(start);
  await Promise.all(
    batches.map((start) =>
      queue.add(async () => {
        const batch = repositories.slice(start, start + REPOSITORIES_PER_QUERY);
        const fields = batch.map(
          ({ owner, name, commit }, index) =>
            `r${index}: repository(owner: ${JSON.stringify(owner)}, name: ${JSON.stringify(name)}) { object(expression: ${JSON.stringify(`${commit}:`)}) { ${LIST_TREES_FIELD} } }`,
        );
        let data: Record<string, { object: { entries?: RawEntry[] } | null } | null> | undefined;
        try {
          data = await github.graphql(`query pinwardenListTrees {\n${fields.join('\n')}\n}`);
        } catch (error) {
          // A repository GitHub could not answer for comes back null beside an error; the rest stand.
          data = (error as { data?: typeof data }).data;
          if (!data) return;
        }
        batch.forEach((_repository, index) => {
          const root = data?.[`r${index}`]?.object?.entries;
          if (root) listed[start + index] = flatten(root);
        });
      }),
    ),
  );
  return listed;
}

function flatten(root: readonly RawEntry[]): TreeListing {
  const entries: TreeEntry[] = [];
  let complete = true;
  const walk = (level: readonly RawEntry[]) => {
    for (const entry of level) {
      if (entry.path === null) continue;
      entries.push({ path: entry.path, type: entry.type, ...(entry.type === 'blob' ? { size: entry.size } : {}) });
      if (entry.type !== 'tree') continue;
      if (entry.object?.entries) walk(entry.object.entries);
      else complete = false;
    }
  };
  walk(root);
  return { entries, complete };
}
