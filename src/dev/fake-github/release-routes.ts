// The fake's releases, as GitHub's REST API lists them (`published_at`, `immutable`), and the
// forced tag move an attacker makes (`PATCH /repos/{owner}/{repo}/git/refs/tags/{tag}` with
// `force: true`, served by the refs route): what pin-time trust reads, and what its tests do.
import type { FakeRelease, FakeRepository } from './fake-state.js';
import { repositoryCommits } from './fake-state.js';
import { userBody } from './collaboration-routes.js';
import { nextPageHeaders, nodeId, notFound, restPage, unprocessable } from './rest-answers.js';
import type { RestResponse, RestRoute } from './rest-api.js';
import type { WithRepository } from './git-data-routes.js';

function releaseBody(release: FakeRelease, repository: FakeRepository, api: string) {
  const web = `https://github.com/${repository.owner}/${repository.name}`;
  return {
    url: `${api}/releases/${release.id}`,
    html_url: `${web}/releases/tag/${release.tag}`,
    assets_url: `${api}/releases/${release.id}/assets`,
    upload_url: `https://uploads.github.com/repos/${repository.owner}/${repository.name}/releases/${release.id}/assets{?name,label}`,
    tarball_url: `${api}/tarball/${release.tag}`,
    zipball_url: `${api}/zipball/${release.tag}`,
    id: release.id,
    node_id: nodeId('Release', String(release.id)),
    tag_name: release.tag,
    target_commitish: repository.defaultBranch,
    name: release.tag,
    body: null,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: release.immutable,
    created_at: release.publishedAt,
    published_at: release.draft ? null : release.publishedAt,
    author: userBody({ login: `${repository.owner}-release-bot`, type: 'Bot' }),
    assets: [],
  };
}

export function releaseRoutes(withRepository: WithRepository): RestRoute[] {
  return [
    {
      name: 'GET /repos/{owner}/{repo}/releases',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/releases$/,
      handle: withRepository((repository, _rest, { url, api }) => {
        const shown = restPage(url, repository.releases);
        return {
          status: 200,
          body: shown.items.map((release) => releaseBody(release, repository, api)),
          headers: nextPageHeaders(`${api}/releases`, shown.next),
        };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/releases/tags/{tag}',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/releases\/tags\/(.+)$/,
      handle: withRepository((repository, [tag = ''], { api }) => {
        const release = repository.releases.find((candidate) => candidate.tag === decodeURIComponent(tag));
        return release ? { status: 200, body: releaseBody(release, repository, api) } : notFound;
      }),
    },
  ];
}

/** A forced move of a tag (`PATCH …/git/refs/tags/{tag}`, `force: true`); an immutable release's tag refuses. */
export function moveTag(
  repository: FakeRepository,
  name: string,
  input: { sha?: string; force?: boolean } | undefined,
  api: string,
): RestResponse {
  const tag = repository.tags.get(decodeURIComponent(name));
  if (!tag) return unprocessable('Reference does not exist');
  if (!input?.sha || !repositoryCommits(repository).has(input.sha)) return unprocessable('Object does not exist');
  // An immutable release's tag cannot move; a tag is never a fast-forward, so force is needed.
  if (repository.releases.some((release) => release.tag === tag.name && release.immutable))
    return unprocessable('Cannot update a tag of an immutable release');
  if (!input.force) return unprocessable('Update is not a fast forward');
  repository.tags.set(tag.name, { name: tag.name, commit: input.sha, tagObject: undefined });
  return {
    status: 200,
    body: {
      ref: `refs/tags/${tag.name}`,
      node_id: nodeId('Ref', `tags/${tag.name}`),
      url: `${api}/git/refs/tags/${tag.name}`,
      object: { type: 'commit', sha: input.sha, url: `${api}/git/commits/${input.sha}` },
    },
  };
}
