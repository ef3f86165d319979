// The fake's repository answer, check runs and pull request files: create and update a check run (GitHub takes at
// most 50 annotations and 3 actions per request, and checks their fields), and the files list of a
// pull request with each file's patch, as `GET /repos/{owner}/{repo}/pulls/{n}/files` pages it.
import { structuredPatch } from 'diff';
import type { FakeAnnotation, FakeCheckRun, FakeRepository } from './fake-state.js';
import { pullHead } from './fake-state.js';
import { readCommitFiles } from './git-store.js';
import { example } from './collaboration-routes.js';
import type { Json, WithRepository } from './collaboration-routes.js';
import type { RestResponse, RestRoute } from './rest-api.js';
import { nextPageHeaders, nodeId, notFound, restPage, unprocessable } from './rest-answers.js';

const LEVELS = new Set(['notice', 'warning', 'failure']);
const CONCLUSIONS = new Set([
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
]);

interface CheckRunInput {
  name?: unknown;
  head_sha?: unknown;
  status?: unknown;
  conclusion?: unknown;
  output?: { title?: unknown; summary?: unknown; text?: unknown; annotations?: unknown };
  actions?: unknown;
}

/** What GitHub refuses in a check run request, or undefined. */
function refusal(input: CheckRunInput, creating: boolean): RestResponse | undefined {
  if (creating && (typeof input.name !== 'string' || typeof input.head_sha !== 'string'))
    return unprocessable('Invalid request. name and head_sha are required.');
  if (input.status !== undefined && !['queued', 'in_progress', 'completed'].includes(String(input.status)))
    return unprocessable('Invalid request. status is not included in the list');
  if (input.conclusion !== undefined && !CONCLUSIONS.has(String(input.conclusion)))
    return unprocessable('Invalid request. conclusion is not included in the list');
  if (input.status === 'completed' && input.conclusion === undefined)
    return unprocessable('Invalid request. conclusion is required when status is completed');
  const output = input.output;
  if (output) {
    if (typeof output.title !== 'string' || typeof output.summary !== 'string')
      return unprocessable('Invalid request. output.title and output.summary are required');
    if (output.summary.length > 65_535 || (typeof output.text === 'string' && output.text.length > 65_535))
      return unprocessable('Invalid request. output.summary and output.text are limited to 65535 characters');
    const annotations = (output.annotations ?? []) as FakeAnnotation[];
    if (!Array.isArray(annotations)) return unprocessable('Invalid request. output.annotations must be an array');
    if (annotations.length > 50) return unprocessable('Invalid request. Only 50 annotations are allowed per request');
    for (const annotation of annotations) {
      if (
        typeof annotation.path !== 'string' ||
        !Number.isInteger(annotation.start_line) ||
        !Number.isInteger(annotation.end_line) ||
        typeof annotation.message !== 'string' ||
        !LEVELS.has(annotation.annotation_level)
      ) {
        return unprocessable(
          'Invalid request. Each annotation needs path, start_line, end_line, annotation_level (notice, warning or failure) and message',
        );
      }
      if (
        annotation.message.length > 65_535 ||
        (annotation.title?.length ?? 0) > 255 ||
        (annotation.raw_details?.length ?? 0) > 65_535
      )
        return unprocessable('Invalid request. annotation fields are too long');
    }
  }
  const actions = (input.actions ?? []) as { label?: unknown; description?: unknown; identifier?: unknown }[];
  if (!Array.isArray(actions) || actions.length > 3)
    return unprocessable('Invalid request. At most 3 actions are allowed');
  for (const action of actions) {
    if (
      typeof action.label !== 'string' ||
      action.label.length > 20 ||
      typeof action.description !== 'string' ||
      action.description.length > 40 ||
      typeof action.identifier !== 'string' ||
      action.identifier.length > 20
    ) {
      return unprocessable(
        'Invalid request. An action needs label (20 characters at most), description (40) and identifier (20)',
      );
    }
  }
  return undefined;
}

function apply(run: FakeCheckRun, input: CheckRunInput): void {
  if (typeof input.name === 'string') run.name = input.name;
  if (input.status !== undefined) run.status = input.status as FakeCheckRun['status'];
  if (input.conclusion !== undefined) {
    run.conclusion = String(input.conclusion);
    run.status = 'completed';
  }
  if (input.output) {
    run.output = {
      title: String(input.output.title),
      summary: String(input.output.summary),
      text: typeof input.output.text === 'string' ? input.output.text : run.output.text,
    };
    run.annotations.push(...((input.output.annotations ?? []) as FakeAnnotation[]));
  }
  if (Array.isArray(input.actions)) run.actions = input.actions as FakeCheckRun['actions'];
  run.writes.push(((input.output?.annotations ?? []) as unknown[]).length);
}

function checkRunBody(repository: FakeRepository, run: FakeCheckRun, api: string): Json {
  const template = example('check-run');
  return {
    ...template,
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CheckRun', String(run.id)),
    external_id: '',
    url: `${api}/check-runs/${run.id}`,
    html_url: `https://github.com/${repository.owner}/${repository.name}/runs/${run.id}`,
    details_url: `https://github.com/${repository.owner}/${repository.name}/runs/${run.id}`,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    completed_at: run.status === 'completed' ? '2026-01-01T00:00:00Z' : null,
    output: {
      ...(template.output as Json),
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    pull_requests: [],
  };
}

/** The files a pull request changes against its base branch, with hunks-only patches, as GitHub lists them. */
/** A pull request's files as GitHub lists them (a file moved unchanged is `renamed`, with no patch). */
export function pullRequestFiles(
  repository: FakeRepository,
  number: number,
):
  | {
      filename: string;
      previous_filename?: string;
      status: string;
      additions: number;
      deletions: number;
      patch?: string;
      sha: string;
    }[]
  | undefined {
  const pull = repository.issues.get(number)?.pull;
  const head = pull ? pullHead(repository, pull) : undefined;
  const base = pull ? repository.branches.get(pull.base) : undefined;
  if (!pull || !head || !base) return undefined;
  const before = readCommitFiles(repository.git, base);
  const after = readCommitFiles(repository.git, head);
  const paths = [...new Set([...before.keys(), ...after.keys()])]
    .filter((path) => before.get(path) !== after.get(path))
    .sort();
  // A path gone and another added with the same bytes: git's rename, which GitHub lists once.
  const removed = paths.filter((path) => !after.has(path));
  const renamedFrom = new Map<string, string>();
  for (const path of paths.filter((candidate) => !before.has(candidate))) {
    const source = removed.find(
      (old) => before.get(old) === after.get(path) && ![...renamedFrom.values()].includes(old),
    );
    if (source !== undefined) renamedFrom.set(path, source);
  }
  const sources = new Set(renamedFrom.values());
  return paths
    .filter((path) => !sources.has(path))
    .map((path) => {
      const from = renamedFrom.get(path);
      if (from !== undefined)
        return { filename: path, previous_filename: from, status: 'renamed', additions: 0, deletions: 0, sha: '' };
      const old = before.get(path);
      const now = after.get(path);
      const hunks = structuredPatch(path, path, old ?? '', now ?? '', undefined, undefined, { context: 3 }).hunks;
      const patch = hunks
        .map((hunk) =>
          [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines].join('\n'),
        )
        .join('\n');
      const additions = hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.startsWith('+')).length, 0);
      const deletions = hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.startsWith('-')).length, 0);
      return {
        filename: path,
        status: old === undefined ? 'added' : now === undefined ? 'removed' : 'modified',
        additions,
        deletions,
        patch,
        sha: '',
      };
    });
}

/**
 * GitHub stops sending patches once those in one response add up to about 20,000 lines: the
 * files after that come without `patch` and with zero counts, nothing marking them
 * (github.com/orgs/community/discussions/213491, seen 2026-11-19).
 */
export const PATCH_LINES_PER_RESPONSE = 20_000;

/** The example's fields but its patch, which only a file that has one shows. */
function withoutPatch(template: Json): Json {
  const { patch: _example, ...rest } = template as Record<string, unknown>;
  return rest as Json;
}

function withinPatchBudget<T extends { patch?: string; additions: number; deletions: number }>(
  files: readonly T[],
): T[] {
  let lines = 0;
  return files.map((file) => {
    if (file.patch === undefined) return file;
    if (lines < PATCH_LINES_PER_RESPONSE) {
      lines += file.patch.split('\n').length;
      return file;
    }
    const { patch: _dropped, ...rest } = file;
    return { ...rest, additions: 0, deletions: 0 } as T;
  });
}

export function checkRoutes(withRepository: WithRepository): RestRoute[] {
  return [
    {
      // The repository itself (the dashboard asks whether the organisation's `.github` is reachable).
      name: 'GET /repos/{owner}/{repo}',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
      handle: withRepository((repository) => {
        const full = `${repository.owner}/${repository.name}`;
        const template = example('full-repository');
        return {
          status: 200,
          body: {
            ...template,
            node_id: nodeId('Repository', full),
            name: repository.name,
            full_name: full,
            owner: {
              ...(template.owner as Json),
              login: repository.owner,
              html_url: `https://github.com/${repository.owner}`,
            },
            private: repository.private,
            fork: repository.fork,
            archived: repository.archived,
            default_branch: repository.defaultBranch,
            html_url: `https://github.com/${full}`,
            url: `https://api.github.com/repos/${full}`, // GitHub's own example lacks this required field.
            has_discussions: false,
          },
        };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/check-runs',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
      handle: withRepository((repository, _rest, { api, body, state }) => {
        const input = (body ?? {}) as CheckRunInput;
        const refused = refusal(input, true);
        if (refused) return refused;
        state.nextId += 1;
        const run: FakeCheckRun = {
          id: state.nextId,
          headSha: String(input.head_sha),
          name: String(input.name),
          status: 'queued',
          conclusion: null,
          output: { title: null, summary: null, text: null },
          annotations: [],
          actions: [],
          writes: [],
        };
        apply(run, input);
        repository.checkRuns.push(run);
        return { status: 201, body: checkRunBody(repository, run, api) };
      }),
    },
    {
      name: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      method: 'PATCH',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
      handle: withRepository((repository, [id = ''], { api, body }) => {
        const run = repository.checkRuns.find((candidate) => candidate.id === Number(id));
        if (!run) return notFound;
        const input = (body ?? {}) as CheckRunInput;
        const refused = refusal(input, false);
        if (refused) return refused;
        apply(run, input);
        return { status: 200, body: checkRunBody(repository, run, api) };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/,
      handle: withRepository((repository, [number = ''], { api, url }) => {
        const files = pullRequestFiles(repository, Number(number));
        if (!files) return notFound;
        const page = restPage(url, files);
        const shown = withinPatchBudget(page.items);
        const template = (example('diff-entry') as unknown as Json[])[0]!;
        const head = pullHead(repository, repository.issues.get(Number(number))!.pull!)!;
        const next = page.next ? nextPageHeaders(`${api}/pulls/${number}/files`, page.next) : undefined;
        return {
          status: 200,
          body: shown.map((file) => ({
            ...withoutPatch(template),
            ...file,
            changes: file.additions + file.deletions,
            sha: file.sha || head,
            blob_url: `https://github.com/${repository.owner}/${repository.name}/blob/${head}/${file.filename}`,
            raw_url: `https://github.com/${repository.owner}/${repository.name}/raw/${head}/${file.filename}`,
            contents_url: `${api}/contents/${file.filename}?ref=${head}`,
          })),
          ...(next ? { headers: next } : {}),
        };
      }),
    },
  ];
}
