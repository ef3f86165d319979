// The fake's pull requests, issue comments, reactions, labels, collaborator permissions and
// installation tokens. Bodies start from the response examples in GitHub's OpenAPI description
// (fixtures/github-examples) with the identifying fields replaced, so every field a client may
// read is there with GitHub's own shape.
import { readFileSync } from 'node:fs';
import type { FakeComment, FakeIssue, FakeRepository, FakeState, FakeUser } from './fake-state.js';
import { addComment, openIssue } from './fake-state.js';
import type { RestRequest, RestResponse, RestRoute } from './rest-api.js';
import { bodyTooLong, nextPageHeaders, nodeId, notFound, restPage, unprocessable } from './rest-answers.js';

export type WithRepository = (
  handle: (
    repository: FakeRepository,
    rest: string[],
    request: RestRequest & { api: string; state: FakeState },
  ) => RestResponse,
) => (state: FakeState, params: string[], request: RestRequest) => RestResponse;

export type Json = Record<string, unknown>;

const examples = new Map<string, Json>();
export function example(name: string): Json {
  if (!examples.has(name))
    examples.set(
      name,
      JSON.parse(
        readFileSync(new URL(`../../../fixtures/github-examples/${name}.json`, import.meta.url), 'utf8'),
      ) as Json,
    );
  return structuredClone(examples.get(name)!);
}

export function userBody(user: FakeUser, id = 1): Json {
  // Apps appear as `<slug>[bot]`, their page under /apps/.
  const page =
    user.type === 'Bot'
      ? `https://github.com/apps/${user.login.replace(/\[bot\]$/, '')}`
      : `https://github.com/${user.login}`;
  return {
    ...(example('issue-comment').user as Json),
    login: user.login,
    id,
    type: user.type,
    html_url: page,
    url: `https://api.github.com/users/${encodeURIComponent(user.login)}`,
  };
}

export function labelBody(name: string, index: number): Json {
  return { ...example('label'), id: index + 1, name, url: `https://api.github.com/labels/${encodeURIComponent(name)}` };
}

export function pullRequestBody(repository: FakeRepository, issue: FakeIssue, api: string): Json {
  const body = example('pull-request');
  const pull = issue.pull!;
  const html = `https://github.com/${repository.owner}/${repository.name}/pull/${issue.number}`;
  const side = (template: Json, ref: string) => ({
    ...template,
    ref,
    label: `${repository.owner}:${ref}`,
    sha: repository.branches.get(ref) ?? '0'.repeat(40),
  });
  return {
    ...body,
    id: issue.number,
    node_id: nodeId('PullRequest', `${repository.owner}/${repository.name}#${issue.number}`),
    number: issue.number,
    url: `${api}/pulls/${issue.number}`,
    html_url: html,
    issue_url: `${api}/issues/${issue.number}`,
    state: issue.state,
    title: issue.title,
    body: issue.body,
    user: userBody(issue.user),
    labels: issue.labels.map(labelBody),
    head: side(body.head as Json, pull.head),
    base: side(body.base as Json, pull.base),
    merged: pull.merged,
    mergeable: null,
    // GitHub's own example lists a team without its required `type`; none are requested here.
    requested_teams: [],
    requested_reviewers: [],
    merged_at: pull.merged ? '2026-01-01T00:00:00Z' : null,
    closed_at: issue.state === 'closed' ? '2026-01-01T00:00:00Z' : null,
  };
}

function commentBody(repository: FakeRepository, comment: FakeComment, api: string): Json {
  return {
    ...example('issue-comment'),
    id: comment.id,
    node_id: nodeId('IssueComment', String(comment.id)),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${repository.owner}/${repository.name}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userBody(comment.user),
  };
}

export function repositoryBody(repository: FakeRepository, id: number): Json {
  const template = (example('installation-repositories').repositories as Json[])[0]!;
  const full = `${repository.owner}/${repository.name}`;
  return {
    ...template,
    id,
    node_id: nodeId('Repository', full),
    name: repository.name,
    full_name: full,
    owner: { ...(template.owner as Json), login: repository.owner, html_url: `https://github.com/${repository.owner}` },
    private: repository.private,
    fork: repository.fork,
    archived: repository.archived,
    default_branch: repository.defaultBranch,
    html_url: `https://github.com/${full}`,
    url: `https://api.github.com/repos/${full}`,
  };
}

export function collaborationRoutes(withRepository: WithRepository): RestRoute[] {
  return [
    {
      name: 'GET /orgs/{org}/repos',
      method: 'GET',
      pattern: /^\/orgs\/([^/]+)\/repos$/,
      handle: (state, [org = ''], { url, baseUrl }) => {
        const owned = [...state.repositories.values()].filter(
          (repository) => repository.installed && repository.owner.toLowerCase() === org.toLowerCase(),
        );
        if (owned.length === 0) return notFound;
        const shown = restPage(url, owned);
        return {
          status: 200,
          body: shown.items.map((repository, index) => repositoryBody(repository, shown.offset + index + 1)),
          headers: nextPageHeaders(`${baseUrl}/orgs/${org}/repos`, shown.next),
        };
      },
    },
    {
      name: 'GET /installation/repositories',
      method: 'GET',
      pattern: /^\/installation\/repositories$/,
      handle: (state, _params, { url, baseUrl }) => {
        const installed = [...state.repositories.values()].filter((repository) => repository.installed);
        const shown = restPage(url, installed);
        const repositories = shown.items.map((repository, index) =>
          repositoryBody(repository, shown.offset + index + 1),
        );
        return {
          status: 200,
          body: { total_count: installed.length, repositories },
          headers: nextPageHeaders(`${baseUrl}/installation/repositories`, shown.next),
        };
      },
    },
    {
      name: 'POST /app/installations/{installation_id}/access_tokens',
      method: 'POST',
      pattern: /^\/app\/installations\/(\d+)\/access_tokens$/,
      handle: () => {
        const { repositories: _repositories, ...token } = example('installation-token');
        return {
          status: 201,
          body: {
            ...token,
            token: 'ghs_fake_installation_token',
            expires_at: new Date(Date.now() + 3_600_000).toISOString(),
            repository_selection: 'all',
          },
        };
      },
    },
    {
      name: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/,
      handle: withRepository((repository, [login = '']) => {
        // Anyone may read a public repository: GitHub reports `read` for non-collaborators.
        const permission = repository.collaborators.get(login) ?? 'read';
        return {
          status: 200,
          body: {
            ...example('collaborator-permission'),
            permission,
            role_name: permission,
            user: {
              ...userBody({ login, type: 'User' }),
              permissions: {
                admin: permission === 'admin',
                maintain: permission === 'maintain',
                push: ['admin', 'maintain', 'write'].includes(permission),
                triage: permission !== 'read',
                pull: true,
              },
              role_name: permission,
            },
          },
        };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/,
      handle: withRepository((repository, [id = ''], { body, state }) => {
        const comment = repository.comments.find((candidate) => candidate.id === Number(id));
        if (!comment) return notFound;
        const content = (body as { content?: string })?.content ?? '';
        if (!['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'].includes(content))
          return unprocessable(`Invalid reaction content: ${content}`);
        const again = comment.reactions.includes(content);
        if (!again) comment.reactions.push(content);
        state.nextId += 1;
        return {
          status: again ? 200 : 201,
          body: { ...example('reaction'), id: state.nextId, content, user: userBody(state.appUser) },
        };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      handle: withRepository((repository, [number = ''], { api }) => {
        if (!repository.issues.has(Number(number))) return notFound;
        return {
          status: 200,
          body: repository.comments
            .filter((comment) => comment.issueNumber === Number(number))
            .map((comment) => commentBody(repository, comment, api)),
        };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      handle: withRepository((repository, [number = ''], { api, body, state }) => {
        if (!repository.issues.has(Number(number))) return notFound;
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string' || text === '') return unprocessable('Body cannot be blank');
        if (text.length > 65_536) return unprocessable('Body is too long (maximum is 65536 characters)');
        const comment = addComment(state, repository, { issueNumber: Number(number), body: text, user: state.appUser });
        return { status: 201, body: commentBody(repository, comment, api) };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/,
      handle: withRepository((repository, [number = ''], { body }) => {
        const issue = repository.issues.get(Number(number));
        if (!issue) return notFound;
        const labels = (body as { labels?: unknown })?.labels;
        if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string'))
          return unprocessable('Invalid request. labels must be an array of strings');
        issue.labels = [...new Set([...issue.labels, ...(labels as string[])])];
        return { status: 200, body: issue.labels.map(labelBody) };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/pulls',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      handle: withRepository((repository, _rest, { api, body, state }) => {
        const input = body as { title?: string; body?: string; head?: string; base?: string };
        if (typeof input?.title !== 'string' || typeof input.head !== 'string' || typeof input.base !== 'string')
          return unprocessable('Invalid request. title, head and base are required.');
        const head = input.head.includes(':') ? input.head.split(':')[1]! : input.head;
        if (!repository.branches.has(head))
          return unprocessable(`Validation Failed: head ${input.head} does not exist`);
        if (!repository.branches.has(input.base))
          return unprocessable(`Validation Failed: base ${input.base} does not exist`);
        const tooLong = bodyTooLong(input.body);
        if (tooLong) return tooLong;
        const open = [...repository.issues.values()].find(
          (issue) => issue.pull?.head === head && issue.state === 'open',
        );
        if (open) return unprocessable(`A pull request already exists for ${repository.owner}:${head}.`);
        const issue = openIssue(repository, {
          title: input.title,
          body: input.body ?? '',
          user: state.appUser,
          pull: { head, base: input.base, merged: false },
        });
        return { status: 201, body: pullRequestBody(repository, issue, api) };
      }),
    },
    {
      // Any client can see the outcome of a rollout here (the cluster demo and its test do).
      name: 'GET /repos/{owner}/{repo}/pulls',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      handle: withRepository((repository, _rest, { api, url }) => {
        const wanted = url.searchParams.get('state') ?? 'open';
        const pulls = [...repository.issues.values()]
          .filter((issue) => issue.pull && (wanted === 'all' || issue.state === wanted))
          .sort((a, b) => b.number - a.number);
        const shown = restPage(url, pulls);
        return { status: 200, body: shown.items.map((issue) => pullRequestBody(repository, issue, api)) };
      }),
    },
    {
      name: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
      method: 'PATCH',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      handle: withRepository((repository, [number = ''], { api, body }) => {
        const issue = repository.issues.get(Number(number));
        if (!issue?.pull) return notFound;
        const input = body as { title?: string; body?: string; state?: 'open' | 'closed' };
        if (input?.state === 'open' && issue.pull.merged)
          return unprocessable('Validation Failed: state cannot be changed. The pull request is merged.');
        if (input?.state === 'open' && !repository.branches.has(issue.pull.head))
          return unprocessable('Validation Failed: state cannot be changed. The head branch was deleted.');
        if (typeof input?.title === 'string') issue.title = input.title;
        if (typeof input?.body === 'string') issue.body = input.body;
        if (input?.state) issue.state = input.state;
        return { status: 200, body: pullRequestBody(repository, issue, api) };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      handle: withRepository((repository, [number = ''], { api }) => {
        const issue = repository.issues.get(Number(number));
        return issue?.pull ? { status: 200, body: pullRequestBody(repository, issue, api) } : notFound;
      }),
    },
  ];
}
