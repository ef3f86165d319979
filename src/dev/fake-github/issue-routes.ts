// The fake's issues and labels: create a label (422 when it exists, as GitHub answers), open an
// issue (labels must exist), edit its title, body and state. Bodies from GitHub's examples.
import type { FakeIssue, FakeRepository, FakeRun } from './fake-state.js';
import { openIssue } from './fake-state.js';
import { example, labelBody, userBody } from './collaboration-routes.js';
import type { Json, WithRepository } from './collaboration-routes.js';
import type { RestRoute } from './rest-api.js';
import { bodyTooLong, nodeId, notFound, unprocessable } from './rest-answers.js';

function issueBody(repository: FakeRepository, issue: FakeIssue, api: string): Json {
  // `state_reason` is given for closed issues only (the schema's enum, as converted, has no null).
  const { state_reason: _reason, ...template } = example('issue');
  return {
    ...template,
    id: issue.number,
    node_id: nodeId('Issue', `${repository.owner}/${repository.name}#${issue.number}`),
    number: issue.number,
    url: `${api}/issues/${issue.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${issue.number}/labels{/name}`,
    comments_url: `${api}/issues/${issue.number}/comments`,
    events_url: `${api}/issues/${issue.number}/events`,
    html_url: `https://github.com/${repository.owner}/${repository.name}/issues/${issue.number}`,
    state: issue.state,
    ...(issue.state === 'closed' ? { state_reason: 'completed' } : {}),
    title: issue.title,
    body: issue.body,
    user: userBody(issue.user),
    labels: issue.labels.map(labelBody),
    assignee: null,
    assignees: [],
    milestone: null,
    pull_request: undefined,
    closed_at: issue.state === 'closed' ? '2026-01-01T00:00:00Z' : null,
    closed_by: null,
  };
}

function runBody(repository: FakeRepository, run: FakeRun): Json {
  const html = `https://github.com/${repository.owner}/${repository.name}/actions/runs/${run.id}`;
  return {
    ...example('workflow-run'),
    id: run.id,
    path: run.path,
    head_sha: run.headSha,
    created_at: run.createdAt,
    updated_at: run.createdAt,
    run_started_at: run.createdAt,
    html_url: html,
    node_id: nodeId('WorkflowRun', String(run.id)),
  };
}

export function issueRoutes(withRepository: WithRepository): RestRoute[] {
  return [
    {
      // Runs created in a `created=START..END` window, newest first, as GitHub pages them.
      name: 'GET /repos/{owner}/{repo}/actions/runs',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs$/,
      handle: withRepository((repository, _rest, { url }) => {
        const query = url.searchParams;
        const [from = '', to = ''] = (query.get('created') ?? '').split('..');
        const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
        const page = Math.max(1, Number(query.get('page') ?? 1));
        const runs = repository.runs
          .filter((run) => (from === '' || run.createdAt >= from) && (to === '' || run.createdAt <= to))
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        const shown = runs.slice((page - 1) * perPage, page * perPage);
        return {
          status: 200,
          body: { total_count: runs.length, workflow_runs: shown.map((run) => runBody(repository, run)) },
        };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/labels',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/labels$/,
      handle: withRepository((repository, _rest, { body }) => {
        const name = (body as { name?: unknown })?.name;
        if (typeof name !== 'string' || name === '') return unprocessable('Validation Failed: name is missing');
        if ([...repository.labels].some((label) => label.toLowerCase() === name.toLowerCase()))
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
            },
          };
        repository.labels.add(name);
        return { status: 201, body: labelBody(name, repository.labels.size - 1) };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/issues',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/,
      handle: withRepository((repository, _rest, { api, body, state }) => {
        const input = body as { title?: unknown; body?: unknown; labels?: unknown };
        if (typeof input?.title !== 'string' || input.title === '')
          return unprocessable('Validation Failed: title is missing');
        const tooLong = bodyTooLong(input.body);
        if (tooLong) return tooLong;
        const labels = Array.isArray(input.labels) ? input.labels.map(String) : [];
        const missing = labels.filter((label) => !repository.labels.has(label));
        if (missing.length > 0) return unprocessable(`Validation Failed: label ${missing.join(', ')} does not exist`);
        const issue = openIssue(repository, {
          title: input.title,
          body: typeof input.body === 'string' ? input.body : '',
          user: state.appUser,
          labels,
        });
        return { status: 201, body: issueBody(repository, issue, api) };
      }),
    },
    {
      name: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
      method: 'PATCH',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/,
      handle: withRepository((repository, [number = ''], { api, body }) => {
        const issue = repository.issues.get(Number(number));
        if (!issue || issue.pull) return notFound;
        const input = body as { title?: unknown; body?: unknown; state?: unknown };
        const tooLong = bodyTooLong(input?.body);
        if (tooLong) return tooLong;
        if (input?.state !== undefined && input.state !== 'open' && input.state !== 'closed')
          return unprocessable('Validation Failed: state is not included in the list');
        if (typeof input?.title === 'string') issue.title = input.title;
        if (typeof input?.body === 'string') issue.body = input.body;
        if (input?.state === 'open' || input?.state === 'closed') issue.state = input.state;
        return { status: 200, body: issueBody(repository, issue, api) };
      }),
    },
  ];
}
