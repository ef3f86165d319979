// The fake's REST endpoints pinwarden's resolver falls back to, shaped as GitHub's OpenAPI
// description shapes them (the fields pinwarden and Octokit read, with their real names).
import type { FakeRepository, FakeState } from './fake-state.js';
import { findRepository, resolveRevision } from './fake-state.js';
import { collaborationRoutes } from './collaboration-routes.js';
import { issueRoutes } from './issue-routes.js';
import { checkRoutes } from './check-routes.js';
import { gitDataRoutes } from './git-data-routes.js';
import { releaseRoutes } from './release-routes.js';
import { securityRoutes } from './security-routes.js';
import { nextPageHeaders, nodeId, notFound, restPage } from './rest-answers.js';

export interface RestResponse {
  readonly status: number;
  readonly body: unknown;
  /** The bytes to send instead of JSON when the client asks for the raw media type. */
  readonly raw?: Buffer;
  readonly headers?: Record<string, string>;
}

export interface RestRoute {
  /** A name for counting: `GET /repos/{owner}/{repo}/git/ref/{ref}`. */
  readonly name: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (state: FakeState, params: string[], request: RestRequest) => RestResponse;
}

export interface RestRequest {
  readonly url: URL;
  readonly baseUrl: string;
  readonly body: unknown;
}

function withRepository(
  handle: (
    repository: FakeRepository,
    rest: string[],
    request: RestRequest & { api: string; state: FakeState },
  ) => RestResponse,
) {
  return (state: FakeState, [owner = '', repo = '', ...rest]: string[], request: RestRequest): RestResponse => {
    const repository = findRepository(state, owner, repo);
    if (!repository || repository.private) return notFound;
    return handle(repository, rest, {
      ...request,
      state,
      api: `${request.baseUrl}/repos/${repository.owner}/${repository.name}`,
    });
  };
}

export const restRoutes: readonly RestRoute[] = [
  {
    name: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/(.+)$/,
    handle: withRepository((repository, [ref = ''], { api }) => {
      if (ref.startsWith('tags/')) {
        const tag = repository.tags.get(ref.slice('tags/'.length));
        if (!tag) return notFound;
        const object = tag.tagObject
          ? { type: 'tag', sha: tag.tagObject, url: `${api}/git/tags/${tag.tagObject}` }
          : { type: 'commit', sha: tag.commit, url: `${api}/git/commits/${tag.commit}` };
        return {
          status: 200,
          body: { ref: `refs/${ref}`, node_id: nodeId('Ref', ref), url: `${api}/git/refs/${ref}`, object },
        };
      }
      if (ref.startsWith('heads/')) {
        const commit = repository.branches.get(ref.slice('heads/'.length));
        if (!commit) return notFound;
        return {
          status: 200,
          body: {
            ref: `refs/${ref}`,
            node_id: nodeId('Ref', ref),
            url: `${api}/git/refs/${ref}`,
            object: { type: 'commit', sha: commit, url: `${api}/git/commits/${commit}` },
          },
        };
      }
      return notFound;
    }),
  },
  {
    name: 'GET /repos/{owner}/{repo}/git/tags/{tag_sha}',
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/tags\/([0-9a-f]{40})$/,
    handle: withRepository((repository, [sha = ''], { api }) => {
      const tag = [...repository.tags.values()].find((candidate) => candidate.tagObject === sha);
      if (!tag) return notFound;
      return {
        status: 200,
        body: {
          node_id: nodeId('Tag', sha),
          tag: tag.name,
          sha,
          url: `${api}/git/tags/${sha}`,
          message: `${tag.name}\n`,
          tagger: { name: 'fake', email: 'fake@example.invalid', date: '2026-01-01T00:00:00Z' },
          object: { type: 'commit', sha: tag.commit, url: `${api}/git/commits/${tag.commit}` },
          verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
        },
      };
    }),
  },
  {
    name: 'GET /repos/{owner}/{repo}/tags',
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/tags$/,
    handle: withRepository((repository, _rest, { url, api }) => {
      const shown = restPage(url, [...repository.tags.values()].reverse());
      const body = shown.items.map((tag) => ({
        name: tag.name,
        commit: { sha: tag.commit, url: `${api}/commits/${tag.commit}` },
        zipball_url: `${api}/zipball/refs/tags/${tag.name}`,
        tarball_url: `${api}/tarball/refs/tags/${tag.name}`,
        node_id: nodeId('Ref', tag.name),
      }));
      const headers = nextPageHeaders(`${api}/tags`, shown.next);
      return { status: 200, body, headers };
    }),
  },
  {
    name: 'GET /repos/{owner}/{repo}/commits/{ref}',
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)$/,
    handle: withRepository((repository, [ref = ''], { api }) => {
      // REST follows git's precedence here: a branch before a tag of the same name.
      const commit = resolveRevision(repository, ref);
      if (!commit)
        return {
          status: 422,
          body: {
            message: `No commit found for SHA: ${ref}`,
            documentation_url: 'https://docs.github.com/rest',
            status: '422',
          },
        };
      const person = { name: 'fake', email: 'fake@example.invalid', date: '2026-01-01T00:00:00Z' };
      return {
        status: 200,
        body: {
          sha: commit,
          node_id: nodeId('Commit', commit),
          url: `${api}/commits/${commit}`,
          html_url: `https://github.com/${repository.owner}/${repository.name}/commit/${commit}`,
          comments_url: `${api}/commits/${commit}/comments`,
          commit: {
            url: `${api}/git/commits/${commit}`,
            author: person,
            committer: person,
            message: '',
            comment_count: 0,
            tree: { sha: commit, url: `${api}/git/trees/${commit}` },
          },
          author: null,
          committer: null,
          parents: [],
        },
      };
    }),
  },
  ...gitDataRoutes(withRepository),
  ...releaseRoutes(withRepository),
  ...collaborationRoutes(withRepository),
  ...issueRoutes(withRepository),
  ...checkRoutes(withRepository),
  ...securityRoutes(withRepository),
  {
    name: 'GET /rate_limit',
    method: 'GET',
    pattern: /^\/rate_limit$/,
    handle: () => {
      const core = { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600, used: 0 };
      return {
        status: 200,
        body: { resources: { core, search: { ...core, limit: 30, remaining: 30 }, graphql: core }, rate: core },
      };
    },
  },
];
