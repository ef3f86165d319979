// The fake's Git Data API and contents endpoints over the in-memory git store: what an app
// reads a repository with, and the tree → commit → ref writes of a single-commit change.
import type { FakeRepository, FakeState } from './fake-state.js';
import { resolveRevision } from './fake-state.js';
import { descendsFrom, impliedDirectories, writeBlob, writeCommit, writeTree } from './git-store.js';
import type { TreeEntry } from './git-store.js';
import { moveTag } from './release-routes.js';
import type { RestRequest, RestResponse, RestRoute } from './rest-api.js';
import { nodeId, notFound, unprocessable } from './rest-answers.js';

export type WithRepository = (
  handle: (
    repository: FakeRepository,
    rest: string[],
    request: RestRequest & { api: string; state: FakeState },
  ) => RestResponse,
) => (state: FakeState, params: string[], request: RestRequest) => RestResponse;

const SHA = '[0-9a-f]{40}';

export function gitDataRoutes(withRepository: WithRepository): RestRoute[] {
  const treeBody = (repository: FakeRepository, sha: string, recursive: boolean, api: string) => {
    const tree = repository.git.trees.get(sha)!;
    const files = [...tree].map(([path, entry]) => ({
      path,
      mode: entry.mode,
      type: 'blob',
      sha: entry.sha,
      size: repository.git.blobs.get(entry.sha)?.length ?? 0,
      url: `${api}/git/blobs/${entry.sha}`,
    }));
    const directories = [...impliedDirectories(tree)].map(([path, id]) => ({
      path,
      mode: '040000',
      type: 'tree',
      sha: id,
      url: `${api}/git/trees/${id}`,
    }));
    const entries = [...files, ...directories]
      .filter((entry) => recursive || !entry.path.includes('/'))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    return { sha, url: `${api}/git/trees/${sha}`, tree: entries, truncated: false };
  };

  const commitBody = (sha: string, api: string, repository: FakeRepository) => {
    const commit = repository.git.commits.get(sha)!;
    const person = { name: 'pinwarden-fake', email: 'fake@example.invalid', date: commit.date };
    return {
      sha,
      node_id: nodeId('Commit', sha),
      url: `${api}/git/commits/${sha}`,
      html_url: `https://github.com/${repository.owner}/${repository.name}/commit/${sha}`,
      author: person,
      committer: person,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      parents: commit.parents.map((parent) => ({
        sha: parent,
        url: `${api}/git/commits/${parent}`,
        html_url: `https://github.com/${repository.owner}/${repository.name}/commit/${parent}`,
      })),
      verification: { verified: true, reason: 'valid', signature: null, payload: null, verified_at: commit.date },
    };
  };

  const refBody = (ref: string, sha: string, api: string) => ({
    ref,
    node_id: nodeId('Ref', ref),
    url: `${api}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api}/git/commits/${sha}` },
  });

  return [
    {
      name: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/(.+)$/,
      handle: withRepository((repository, [revision = ''], { url, api }) => {
        const sha = repository.git.trees.has(revision)
          ? revision
          : repository.git.commits.get(resolveRevision(repository, revision) ?? '')?.tree;
        if (!sha) return notFound;
        // GitHub: any value of `recursive` turns recursion on; only its absence turns it off.
        return { status: 200, body: treeBody(repository, sha, url.searchParams.has('recursive'), api) };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      method: 'GET',
      pattern: new RegExp(`^/repos/([^/]+)/([^/]+)/git/blobs/(${SHA})$`),
      handle: withRepository((repository, [sha = ''], { api }) => {
        const bytes = repository.git.blobs.get(sha);
        if (!bytes) return notFound;
        return {
          status: 200,
          body: {
            sha,
            node_id: nodeId('Blob', sha),
            size: bytes.length,
            url: `${api}/git/blobs/${sha}`,
            content: bytes.toString('base64'),
            encoding: 'base64',
          },
        };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
      method: 'GET',
      pattern: new RegExp(`^/repos/([^/]+)/([^/]+)/git/commits/(${SHA})$`),
      handle: withRepository((repository, [sha = ''], { api }) =>
        repository.git.commits.has(sha) ? { status: 200, body: commitBody(sha, api, repository) } : notFound,
      ),
    },
    {
      name: 'GET /repos/{owner}/{repo}/contents/{path}',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/,
      handle: withRepository((repository, [path = ''], { url, api }) => {
        const commit = resolveRevision(repository, url.searchParams.get('ref') ?? 'HEAD');
        const tree = commit ? repository.git.trees.get(repository.git.commits.get(commit)?.tree ?? '') : undefined;
        const entry = tree?.get(path);
        const bytes = entry ? repository.git.blobs.get(entry.sha) : undefined;
        if (!entry || !bytes) return notFound;
        const name = path.split('/').at(-1) ?? path;
        const links = {
          self: `${api}/contents/${path}`,
          git: `${api}/git/blobs/${entry.sha}`,
          html: `https://github.com/${repository.owner}/${repository.name}/blob/${commit}/${path}`,
        };
        return {
          status: 200,
          raw: bytes,
          body: {
            type: 'file',
            encoding: 'base64',
            size: bytes.length,
            name,
            path,
            content: bytes.toString('base64'),
            sha: entry.sha,
            url: links.self,
            git_url: links.git,
            html_url: links.html,
            download_url: null,
            _links: links,
          },
        };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/git/trees',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/trees$/,
      handle: withRepository((repository, _rest, { body, api }) => {
        const input = body as {
          base_tree?: string;
          tree?: { path: string; mode: string; type: string; sha?: string | null; content?: string }[];
        };
        if (!Array.isArray(input?.tree)) return unprocessable('Invalid request. "tree" wasn\'t supplied.');
        const base = input.base_tree ? repository.git.trees.get(input.base_tree) : new Map<string, TreeEntry>();
        if (!base) return unprocessable(`Invalid tree info: base_tree ${input.base_tree} not found`);
        const entries = new Map(base);
        for (const item of input.tree) {
          if (item.content !== undefined && item.sha !== undefined)
            return unprocessable('Must supply either tree.sha or tree.content, not both');
          if (item.sha === null) entries.delete(item.path);
          else if (item.content !== undefined)
            entries.set(item.path, { mode: item.mode, sha: writeBlob(repository.git, item.content) });
          else if (item.sha && repository.git.blobs.has(item.sha))
            entries.set(item.path, { mode: item.mode, sha: item.sha });
          else return unprocessable(`Invalid tree info for ${item.path}`);
        }
        const sha = writeTree(repository.git, entries);
        return { status: 201, body: treeBody(repository, sha, true, api) };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/git/commits',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/commits$/,
      handle: withRepository((repository, _rest, { body, api }) => {
        const input = body as { message?: string; tree?: string; parents?: string[] };
        if (typeof input?.message !== 'string' || typeof input.tree !== 'string')
          return unprocessable('Invalid request. message and tree are required.');
        if (!repository.git.trees.has(input.tree)) return unprocessable('Tree SHA does not exist');
        const parents = input.parents ?? [];
        if (parents.some((parent) => !repository.git.commits.has(parent)))
          return unprocessable('Parent SHA does not exist or is not a commit object');
        const sha = writeCommit(repository.git, {
          tree: input.tree,
          parents,
          message: input.message,
          date: new Date().toISOString(),
        });
        return { status: 201, body: commitBody(sha, api, repository) };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/git/refs',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/refs$/,
      handle: withRepository((repository, _rest, { body, api }) => {
        const input = body as { ref?: string; sha?: string };
        if (!input?.ref?.startsWith('refs/heads/') || input.ref.split('/').length < 3)
          return unprocessable('Reference name is not valid (it must start with refs/ and have at least two slashes)');
        if (!input.sha || !repository.git.commits.has(input.sha)) return unprocessable('Object does not exist');
        const branch = input.ref.slice('refs/heads/'.length);
        if (repository.branches.has(branch)) return unprocessable('Reference already exists');
        repository.branches.set(branch, input.sha);
        return { status: 201, body: refBody(input.ref, input.sha, api) };
      }),
    },
    {
      name: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
      method: 'PATCH',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/refs\/(.+)$/,
      handle: withRepository((repository, [ref = ''], { body, api }) => {
        const input = body as { sha?: string; force?: boolean };
        if (ref.startsWith('tags/')) return moveTag(repository, ref.slice('tags/'.length), input, api);
        if (!ref.startsWith('heads/')) return notFound;
        const branch = ref.slice('heads/'.length);
        const current = repository.branches.get(branch);
        if (!current) return unprocessable('Reference does not exist');
        if (!input?.sha || !repository.git.commits.has(input.sha)) return unprocessable('Object does not exist');
        // Without force, only a fast-forward is accepted: the compare-and-swap that protects a human's commit.
        if (!input.force && !descendsFrom(repository.git, input.sha, current))
          return unprocessable('Update is not a fast forward');
        repository.branches.set(branch, input.sha);
        return { status: 200, body: refBody(`refs/${ref}`, input.sha, api) };
      }),
    },
  ];
}
