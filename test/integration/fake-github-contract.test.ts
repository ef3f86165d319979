// The fake GitHub must answer as GitHub does: REST bodies are validated against GitHub's
// OpenAPI description (@octokit/openapi, api.github.com), GraphQL queries against GitHub's
// schema, so a test cannot pass here on a request GitHub would refuse or an answer it never gives.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addComment,
  createFakeState,
  findRepository,
  openIssue,
  openPullRequest,
  seedRepository,
} from '../../src/dev/fake-github/fake-state.js';
import { READ_REPOSITORY_QUERY, readRepositoriesQuery } from '../../src/github/read-repository.js';
import { PIN_BRANCH } from '../../src/pull-request/render-pull-request.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { shapeOf } from '../../src/dev/fake-github/graphql-api.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { fixturesDir } from '../support/paths.js';
import { gzipSync } from 'node:zlib';
import { createTokenOctokit } from '../../src/github/create-octokit.js';
import { submitSnapshot, uploadSarif } from '../../src/github/security-reports.js';
import { dependencySnapshot } from '../../src/inventory/dependency-snapshot.js';
import { inventoryOf } from '../../src/inventory/inventory.js';
import { buildSarif } from '../../src/sarif/build-sarif.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
}

let fake: FakeGitHub;
const WORKFLOW = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/setup@v1\n';
let openapi: OpenApi;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  const state = createFakeState([
    ...loadRefsDir(join(fixturesDir, 'refs')),
    ...loadRefsDir(join(fixturesDir, 'trust', 'refs')),
  ]);
  seedRepository(state, {
    fullName: 'octo/app',
    files: {
      '.github/workflows/ci.yml': WORKFLOW,
      'README.md': '# app\n',
      'tools/action.yml': 'runs:\n  using: composite\n',
    },
  });
  seedRepository(state, { fullName: 'octo/empty' });
  fake = await startFakeGitHub({ state });
  const packageDir = dirname(createRequire(import.meta.url).resolve('@octokit/openapi/package.json'));
  openapi = nullableToJsonSchema(
    JSON.parse(readFileSync(join(packageDir, 'generated', 'api.github.com.json'), 'utf8')),
  ) as OpenApi;
  ajv.addSchema(openapi as object, 'github');
});
afterAll(async () => fake.close());

/** OpenAPI 3.0 allows `nullable` beside `$ref` or `allOf`; JSON Schema says it with `anyOf` (and an enum with null). */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(
    ([key, value]) => [key, nullableToJsonSchema(value)] as const,
  );
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (object.nullable === true && object.type === undefined) {
    const { nullable: _nullable, ...rest } = object;
    return { anyOf: [rest, { type: 'null' }] };
  }
  // A nullable enum (`dismissed_reason`) allows null too, as GitHub answers it.
  if (object.nullable === true && Array.isArray(object.enum) && !object.enum.includes(null))
    return { ...object, enum: [...object.enum, null] };
  return object;
}

function validatorFor(path: string, status: string, method = 'get') {
  const pointer = `github#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}/responses/${status}/content/application~1json/schema`;
  return ajv.compile({ $ref: pointer });
}

function expectValid(template: string, status: number, body: unknown, method = 'get'): void {
  const validate = validatorFor(template, String(status), method);
  expect(validate(body) ? [] : validate.errors).toEqual([]);
}

async function send(method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, body: await response.json() };
}

async function get(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${fake.url}${path}`, {
    headers: { accept: 'application/vnd.github+json', authorization: 'token t' },
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

const TAG_OBJECT = JSON.parse(readFileSync(join(fixturesDir, 'refs', 'acme__setup.json'), 'utf8')).tags.find(
  (tag: { tag_object_sha: string | null }) => tag.tag_object_sha,
).tag_object_sha as string;

describe('fake GitHub REST answers follow the OpenAPI description', () => {
  it.each([
    ['/repos/{owner}/{repo}/git/ref/{ref}', '/repos/acme/setup/git/ref/tags%2Fv1.2.3', '200'],
    ['/repos/{owner}/{repo}/git/ref/{ref}', '/repos/acme/setup/git/ref/heads%2Fmain', '200'],
    ['/repos/{owner}/{repo}/git/tags/{tag_sha}', `/repos/acme/setup/git/tags/${TAG_OBJECT}`, '200'],
    ['/repos/{owner}/{repo}/tags', '/repos/acme/setup/tags?per_page=2', '200'],
    ['/repos/{owner}/{repo}/commits/{ref}', '/repos/acme/setup/commits/v1', '200'],
    ['/rate_limit', '/rate_limit', '200'],
    ['/repos/{owner}/{repo}/git/ref/{ref}', '/repos/acme/nothing/git/ref/tags%2Fv1', '404'],
  ])('%s (%s)', async (template, path, status) => {
    const response = await get(path);
    expect(String(response.status)).toBe(status);
    const validate =
      status === '404'
        ? ajv.compile({ $ref: 'github#/components/schemas/basic-error' })
        : validatorFor(template, status);
    expect(validate(response.body) ? [] : validate.errors).toEqual([]);
  });

  it('lists releases with published_at and immutable, and finds one by tag', async () => {
    const listed = await get('/repos/acme/sideways/releases?per_page=100');
    expectValid('/repos/{owner}/{repo}/releases', listed.status, listed.body);
    expect(
      (listed.body as { tag_name: string; immutable: boolean; published_at: string }[]).map((release) => [
        release.tag_name,
        release.immutable,
        release.published_at,
      ]),
    ).toEqual([
      ['v3.0.0', true, '2026-01-10T00:00:00Z'],
      ['v3.1.0', false, '2026-02-10T00:00:00Z'],
    ]);
    const one = await get('/repos/acme/sideways/releases/tags/v3.1.0');
    expectValid('/repos/{owner}/{repo}/releases/tags/{tag}', one.status, one.body);
    expect((await get('/repos/acme/sideways/releases/tags/v9.9.9')).status).toBe(404);
  });

  it('moves a tag only when forced, and never the tag of an immutable release', async () => {
    const sideways = findRepository(fake.state, 'acme', 'sideways')!;
    const target = sideways.branches.get('main')!;
    expect(
      (await send('PATCH', '/repos/acme/sideways/git/refs/tags/v3.0.0', { sha: target, force: true })).status,
    ).toBe(422);
    expect((await send('PATCH', '/repos/acme/sideways/git/refs/tags/v3.1.0', { sha: target })).status).toBe(422);
    const moved = await send('PATCH', '/repos/acme/sideways/git/refs/tags/v3.1.0', { sha: target, force: true });
    expectValid('/repos/{owner}/{repo}/git/refs/{ref}', moved.status, moved.body, 'patch');
    expect(sideways.tags.get('v3.1.0')?.commit).toBe(target);
  });

  it('pages tag listings with a Link header, as GitHub does', async () => {
    const response = await fetch(`${fake.url}/repos/acme/setup/tags?per_page=2`);
    expect(response.headers.get('link')).toMatch(/<[^>]+page=2>; rel="next"/);
  });
});

describe('fake GitHub GraphQL is GitHub’s schema', () => {
  async function graphql(query: string) {
    const response = await fetch(`${fake.url}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query }),
      headers: { 'content-type': 'application/json' },
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { type?: string; message: string; path?: string[] }[];
    };
  }

  it('rejects a field GitHub does not have', async () => {
    const result = await graphql('query { repository(owner: "acme", name: "setup") { tagsByMagic { name } } }');
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "tagsByMagic" on type "Repository"/);
  });

  it('rejects a connection without pagination bounds, and more than 100 records', async () => {
    const missing = await graphql(
      'query { repository(owner: "acme", name: "setup") { refs(refPrefix: "refs/tags/") { nodes { name } } } }',
    );
    expect(missing.errors?.[0]?.type).toBe('MISSING_PAGINATION_BOUNDARIES');
    const tooMany = await graphql(
      'query { repository(owner: "acme", name: "setup") { refs(refPrefix: "refs/tags/", first: 101) { nodes { name } } } }',
    );
    expect(tooMany.errors?.[0]?.type).toBe('EXCESSIVE_PAGINATION');
  });

  it('answers a missing repository with null and a NOT_FOUND error at its path', async () => {
    const result = await graphql(
      'query { a: repository(owner: "acme", name: "setup") { name } b: repository(owner: "acme", name: "nope") { name } }',
    );
    expect(result.data).toEqual({ a: { name: 'setup' }, b: null });
    expect(result.errors).toMatchObject([{ type: 'NOT_FOUND', path: ['b'] }]);
  });

  it('validates a query of a known shape by its shape, and answers it for its own strings', async () => {
    const query = (owner: string, name: string, field = 'name') =>
      `query { repository(owner: ${JSON.stringify(owner)}, name: ${JSON.stringify(name)}) { ${field} } }`;
    expect(shapeOf(query('acme', 'setup'))).toBe(shapeOf(query('a "quoted" \\ owner', 'x')));
    expect(shapeOf(query('acme', 'setup'))).not.toBe(shapeOf(query('acme', 'setup', 'id')));
    // A comment or a block string could pair quotes wrongly: such a query is always validated.
    expect(shapeOf('query { viewer { login } } # "')).toBeUndefined();
    expect(shapeOf('query { repository(owner: """acme""", name: "setup") { name } }')).toBeUndefined();

    expect(await graphql(query('acme', 'setup'))).toEqual({ data: { repository: { name: 'setup' } } });
    // Same shape, other strings: executed for them, not answered from the first.
    const missing = await graphql(query('acme', 'nope'));
    expect(missing.data).toEqual({ repository: null });
    expect(missing.errors).toMatchObject([{ type: 'NOT_FOUND', path: ['repository'] }]);
    expect(await graphql(query('a "quoted" owner', 'x'))).toMatchObject({ errors: [{ type: 'NOT_FOUND' }] });
    // A shape not seen before is validated: one field more, and wrong.
    const wrong = await graphql(query('acme', 'setup', 'name tagsByMagic'));
    expect(wrong.data).toBeUndefined();
    expect(wrong.errors?.[0]?.message).toMatch(/Cannot query field "tagsByMagic"/);
    // A string where the schema wants a number is wrong whatever the string says.
    const typed = await graphql(
      'query { repository(owner: "acme", name: "setup") { refs(refPrefix: "refs/tags/", first: "1") { totalCount } } }',
    );
    expect(typed.errors?.[0]?.message).toMatch(/Int cannot represent/);
    const syntax = await graphql('query { repository(owner: "acme"');
    expect(syntax.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it("compares from the refs data's commit graph, and answers null where it cannot know", async () => {
    const refs = JSON.parse(readFileSync(join(fixturesDir, 'trust', 'refs', 'acme__fresh.json'), 'utf8')) as {
      tags: { name: string; sha: string }[];
    };
    const commit = (tag: string) => refs.tags.find((entry) => entry.name === tag)!.sha;
    const { data, errors } = await graphql(
      `{ fresh: repository(owner: "acme", name: "fresh") { main: ref(qualifiedName: "refs/heads/main") { compare(headRef: "${commit('v4.0.0')}") { status } } older: ref(qualifiedName: "refs/tags/v4.0.0") { compare(headRef: "${commit('v4.2.0')}") { status } } } hijacked: repository(owner: "acme", name: "hijacked") { tag: ref(qualifiedName: "refs/tags/v1.2.0") { compare(headRef: "v1.3.0") { status } } } setup: repository(owner: "acme", name: "setup") { tag: ref(qualifiedName: "refs/tags/v1.2.3") { compare(headRef: "main") { status } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      fresh: { main: { compare: { status: 'BEHIND' } }, older: { compare: { status: 'AHEAD' } } },
      hijacked: { tag: { compare: { status: 'DIVERGED' } } },
      setup: { tag: { compare: null } },
    });
  });

  it('peels an annotated tag through its Tag object', async () => {
    const result = await graphql(
      'query { repository(owner: "acme", name: "setup") { ref(qualifiedName: "refs/tags/v1.2.3") { target { __typename oid ... on Tag { target { __typename oid } } } } } }',
    );
    expect(result.data).toEqual({
      repository: {
        ref: {
          target: {
            __typename: 'Tag',
            oid: TAG_OBJECT,
            target: { __typename: 'Commit', oid: expect.stringMatching(/^[0-9a-f]{40}$/) },
          },
        },
      },
    });
  });
});

describe('fake GitHub bookkeeping', () => {
  it('counts requests by kind and by route', async () => {
    fake.resetCounts();
    await get('/repos/acme/setup/tags');
    await get('/repos/acme/setup/git/ref/tags%2Fv1');
    await fetch(`${fake.url}/api/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: '{ rateLimit { cost } }' }),
    });
    expect(fake.counts()).toEqual({
      byKind: { graphql: 1, 'graphql-write': 0, 'rest-read': 2, 'rest-write': 0 },
      byRoute: {
        'GET /repos/{owner}/{repo}/tags': 1,
        'GET /repos/{owner}/{repo}/git/ref/{ref}': 1,
        'POST /graphql': 1,
      },
      total: 3,
      refused: 0,
    });
  });
});

describe('fake GitHub repositories: files, trees, commits and branches', () => {
  it("serves a seeded repository through REST, in GitHub's shapes", async () => {
    const tree = await get('/repos/octo/app/git/trees/main?recursive=1');
    expectValid('/repos/{owner}/{repo}/git/trees/{tree_sha}', tree.status, tree.body);
    const entries = (tree.body as { tree: { path: string; type: string; sha: string }[] }).tree;
    expect(entries.map((entry) => `${entry.type} ${entry.path}`)).toEqual([
      'tree .github',
      'tree .github/workflows',
      'blob .github/workflows/ci.yml',
      'blob README.md',
      'tree tools',
      'blob tools/action.yml',
    ]);
    const topLevel = await get('/repos/octo/app/git/trees/main');
    expect((topLevel.body as { tree: { path: string }[] }).tree.map((entry) => entry.path)).toEqual([
      '.github',
      'README.md',
      'tools',
    ]);

    const blobSha = entries.find((entry) => entry.path === '.github/workflows/ci.yml')!.sha;
    const blob = await get(`/repos/octo/app/git/blobs/${blobSha}`);
    expectValid('/repos/{owner}/{repo}/git/blobs/{file_sha}', blob.status, blob.body);
    expect(Buffer.from((blob.body as { content: string }).content, 'base64').toString('utf8')).toBe(WORKFLOW);
    // git's own blob id for the same bytes
    expect(blobSha).toBe(
      createHash('sha1')
        .update(`blob ${Buffer.byteLength(WORKFLOW)}\0${WORKFLOW}`)
        .digest('hex'),
    );

    const contents = await get('/repos/octo/app/contents/.github/workflows/ci.yml?ref=main');
    expectValid('/repos/{owner}/{repo}/contents/{path}', contents.status, contents.body);
    const head = findRepository(fake.state, 'octo', 'app')!.branches.get('main')!;
    const commit = await get(`/repos/octo/app/git/commits/${head}`);
    expectValid('/repos/{owner}/{repo}/git/commits/{commit_sha}', commit.status, commit.body);
    expect((await get('/repos/octo/app/contents/nope.yml')).status).toBe(404);
    expect((await get('/repos/octo/empty/git/trees/main')).status).toBe(404);
  });

  it('takes a one-commit change through trees, commits and refs, fast-forward only unless forced', async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    const base = repository.branches.get('main')!;
    const baseTree = repository.git.commits.get(base)!.tree;
    const tree = await send('POST', '/repos/octo/app/git/trees', {
      base_tree: baseTree,
      tree: [
        { path: '.github/workflows/ci.yml', mode: '100644', type: 'blob', content: 'pinned\n' },
        { path: 'README.md', mode: '100644', type: 'blob', sha: null },
      ],
    });
    expectValid('/repos/{owner}/{repo}/git/trees', tree.status, tree.body, 'post');
    const commit = await send('POST', '/repos/octo/app/git/commits', {
      message: 'Pin actions',
      tree: (tree.body as { sha: string }).sha,
      parents: [base],
    });
    expectValid('/repos/{owner}/{repo}/git/commits', commit.status, commit.body, 'post');
    const commitSha = (commit.body as { sha: string }).sha;
    const ref = await send('POST', '/repos/octo/app/git/refs', {
      ref: 'refs/heads/pinwarden/pin-actions',
      sha: commitSha,
    });
    expectValid('/repos/{owner}/{repo}/git/refs', ref.status, ref.body, 'post');
    expect(
      (await send('POST', '/repos/octo/app/git/refs', { ref: 'refs/heads/pinwarden/pin-actions', sha: commitSha }))
        .status,
    ).toBe(422);

    expect(
      Object.fromEntries(readCommitFiles(repository.git, repository.branches.get('pinwarden/pin-actions')!)),
    ).toEqual({ '.github/workflows/ci.yml': 'pinned\n', 'tools/action.yml': 'runs:\n  using: composite\n' });

    // Moving the branch back to its parent is not a fast-forward: refused without force.
    const backwards = await send('PATCH', '/repos/octo/app/git/refs/heads%2Fpinwarden%2Fpin-actions', { sha: base });
    expect(backwards.status).toBe(422);
    const forced = await send('PATCH', '/repos/octo/app/git/refs/heads%2Fpinwarden%2Fpin-actions', {
      sha: base,
      force: true,
    });
    expectValid('/repos/{owner}/{repo}/git/refs/{ref}', forced.status, forced.body, 'patch');
    expect(repository.branches.get('pinwarden/pin-actions')).toBe(base);
    expect(fake.counts().byKind['rest-write']).toBeGreaterThanOrEqual(6);
  });

  it('refuses malformed writes as GitHub does', async () => {
    expect(
      (
        await send('POST', '/repos/octo/app/git/trees', {
          tree: [{ path: 'x', mode: '100644', type: 'blob', content: 'a', sha: 'b'.repeat(40) }],
        })
      ).status,
    ).toBe(422);
    expect(
      (await send('POST', '/repos/octo/app/git/commits', { message: 'm', tree: 'f'.repeat(40), parents: [] })).status,
    ).toBe(422);
    expect((await send('POST', '/repos/octo/app/git/refs', { ref: 'main', sha: 'f'.repeat(40) })).status).toBe(422);
  });

  it('reads a folder of workflows with their text in one GraphQL query', async () => {
    const response = await fetch(`${fake.url}/graphql`, {
      method: 'POST',
      body: JSON.stringify({
        query:
          'query { repository(owner: "octo", name: "app") { isArchived isEmpty defaultBranchRef { name target { oid ... on Commit { tree { oid } } } } wf: object(expression: "HEAD:.github/workflows") { ... on Tree { entries { name path type object { ... on Blob { text byteSize isBinary isTruncated } } } } } missing: object(expression: "HEAD:.github/dependabot.yml") { ... on Blob { text } } } }',
      }),
    });
    const { data, errors } = (await response.json()) as {
      data: { repository: Record<string, unknown> };
      errors?: unknown;
    };
    expect(errors).toBeUndefined();
    expect(data.repository).toMatchObject({
      isArchived: false,
      isEmpty: false,
      defaultBranchRef: {
        name: 'main',
        target: {
          oid: expect.stringMatching(/^[0-9a-f]{40}$/),
          tree: { oid: expect.stringMatching(/^[0-9a-f]{40}$/) },
        },
      },
      wf: {
        entries: [
          {
            name: 'ci.yml',
            path: '.github/workflows/ci.yml',
            type: 'blob',
            object: { text: WORKFLOW, byteSize: WORKFLOW.length, isBinary: false, isTruncated: false },
          },
        ],
      },
      missing: null,
    });
  });
});

describe('fake GitHub pull requests, comments, reactions, labels, permissions, app tokens', () => {
  it("opens, lists, updates and labels a pull request, in GitHub's shapes", async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    repository.branches.set('feature/pr', repository.branches.get('main')!);
    const created = await send('POST', '/repos/octo/app/pulls', {
      title: 'Pin',
      body: 'why',
      head: 'feature/pr',
      base: 'main',
    });
    expectValid('/repos/{owner}/{repo}/pulls', created.status, created.body, 'post');
    const number = (created.body as { number: number }).number;
    expect(created.body).toMatchObject({
      title: 'Pin',
      body: 'why',
      state: 'open',
      head: { ref: 'feature/pr' },
      base: { ref: 'main' },
      user: { login: 'pinwarden[bot]' },
    });
    expect(
      (await send('POST', '/repos/octo/app/pulls', { title: 'again', head: 'feature/pr', base: 'main' })).body,
    ).toMatchObject({ message: 'A pull request already exists for octo:feature/pr.' });
    expect((await send('POST', '/repos/octo/app/pulls', { title: 'x', head: 'nope', base: 'main' })).status).toBe(422);

    const updated = await send('PATCH', `/repos/octo/app/pulls/${number}`, { body: 'better', state: 'closed' });
    expectValid('/repos/{owner}/{repo}/pulls/{pull_number}', updated.status, updated.body, 'patch');
    expect(updated.body).toMatchObject({ body: 'better', state: 'closed' });
    const fetched = await get(`/repos/octo/app/pulls/${number}`);
    expectValid('/repos/{owner}/{repo}/pulls/{pull_number}', fetched.status, fetched.body);

    const labels = await send('POST', `/repos/octo/app/issues/${number}/labels`, { labels: ['security', 'deps'] });
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}/labels', labels.status, labels.body, 'post');
    expect((labels.body as { name: string }[]).map((label) => label.name)).toEqual(['security', 'deps']);
  });

  it("creates labels, opens, edits and closes an issue, in GitHub's shapes", async () => {
    const label = await send('POST', '/repos/octo/app/labels', { name: 'pinwarden', color: 'ededed' });
    expectValid('/repos/{owner}/{repo}/labels', label.status, label.body, 'post');
    expect((await send('POST', '/repos/octo/app/labels', { name: 'PinWarden' })).body).toMatchObject({
      errors: [{ code: 'already_exists' }],
    });
    expect((await send('POST', '/repos/octo/app/issues', { title: 'x', labels: ['nope'] })).status).toBe(422);
    const created = await send('POST', '/repos/octo/app/issues', {
      title: 'pinwarden: needs attention',
      body: 'why',
      labels: ['pinwarden'],
    });
    expectValid('/repos/{owner}/{repo}/issues', created.status, created.body, 'post');
    const number = (created.body as { number: number }).number;
    expect(created.body).toMatchObject({
      state: 'open',
      labels: [{ name: 'pinwarden' }],
      user: { login: 'pinwarden[bot]', type: 'Bot' },
    });
    const closed = await send('PATCH', `/repos/octo/app/issues/${number}`, { body: 'fixed', state: 'closed' });
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}', closed.status, closed.body, 'patch');
    expect(closed.body).toMatchObject({ body: 'fixed', state: 'closed', state_reason: 'completed' });
    const query =
      'query { repository(owner: "octo", name: "app") { issues(first: 5, states: [OPEN], labels: ["pinwarden"], orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number body author { __typename login } } } } }';
    await send('PATCH', `/repos/octo/app/issues/${number}`, { state: 'open' });
    const response = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query }) });
    expect(await response.json()).toEqual({
      data: {
        repository: {
          issues: { nodes: [{ number, body: 'fixed', author: { __typename: 'Bot', login: 'pinwarden[bot]' } }] },
        },
      },
    });
  });

  it("lists workflow runs created in a window, in GitHub's shapes", async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    const head = repository.branches.get('main')!;
    repository.runs.push(
      { id: 11, path: '.github/workflows/ci.yml', headSha: head, createdAt: '2026-03-19T20:00:00Z' },
      { id: 12, path: '.github/workflows/ci.yml', headSha: head, createdAt: '2026-04-01T00:00:00Z' },
    );
    const listed = await get(
      '/repos/octo/app/actions/runs?created=2026-03-19T17:43:00Z..2026-03-20T05:40:00Z&per_page=100',
    );
    expectValid('/repos/{owner}/{repo}/actions/runs', listed.status, listed.body);
    expect(listed.body).toMatchObject({
      total_count: 1,
      workflow_runs: [{ id: 11, head_sha: head, path: '.github/workflows/ci.yml', created_at: '2026-03-19T20:00:00Z' }],
    });
  });

  it('comments, reacts and reports permissions', async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    const issue = openIssue(repository, { title: 'hello', body: '', user: { login: 'dev', type: 'User' } });
    const human = addComment(fake.state, repository, {
      issueNumber: issue.number,
      body: '/pinwarden pin',
      user: { login: 'dev', type: 'User' },
    });
    const reply = await send('POST', `/repos/octo/app/issues/${issue.number}/comments`, { body: 'done' });
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}/comments', reply.status, reply.body, 'post');
    expect((await send('POST', `/repos/octo/app/issues/${issue.number}/comments`, { body: '' })).status).toBe(422);
    expect((await send('POST', '/repos/octo/app/issues/999/comments', { body: 'x' })).status).toBe(404);
    const listed = await get(`/repos/octo/app/issues/${issue.number}/comments`);
    expectValid('/repos/{owner}/{repo}/issues/{issue_number}/comments', listed.status, listed.body);
    expect((listed.body as { body: string }[]).map((comment) => comment.body)).toEqual(['/pinwarden pin', 'done']);

    const reaction = await send('POST', `/repos/octo/app/issues/comments/${human.id}/reactions`, { content: 'eyes' });
    expectValid('/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', reaction.status, reaction.body, 'post');
    expect(human.reactions).toEqual(['eyes']);
    expect(
      (await send('POST', `/repos/octo/app/issues/comments/${human.id}/reactions`, { content: 'rocketship' })).status,
    ).toBe(422);

    repository.collaborators.set('dev', 'write');
    const writer = await get('/repos/octo/app/collaborators/dev/permission');
    expectValid('/repos/{owner}/{repo}/collaborators/{username}/permission', writer.status, writer.body);
    expect(writer.body).toMatchObject({ permission: 'write', role_name: 'write', user: { login: 'dev' } });
    expect((await get('/repos/octo/app/collaborators/stranger/permission')).body).toMatchObject({ permission: 'read' });

    const installation = await get('/installation/repositories?per_page=1');
    expectValid('/installation/repositories', installation.status, installation.body);
    expect(installation.body).toMatchObject({ repositories: [{ full_name: 'octo/app', default_branch: 'main' }] });
    // Only the installation's repositories, not the refs-only action repositories.
    expect((installation.body as { total_count: number }).total_count).toBe(
      [...fake.state.repositories.values()].filter((repository) => repository.installed).length,
    );

    const token = await send('POST', '/app/installations/1/access_tokens', {});
    expectValid('/app/installations/{installation_id}/access_tokens', token.status, token.body, 'post');
  });

  it('serves configuration files raw, as the config plugin asks for them', async () => {
    const response = await fetch(`${fake.url}/repos/octo/app/contents/README.md`, {
      headers: { accept: 'application/vnd.github.v3.raw' },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('# app\n');
  });

  it("answers the app's repository read query, which GitHub's schema accepts", async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    repository.branches.set(PIN_BRANCH, repository.branches.get('main')!);
    const response = await fetch(`${fake.url}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: READ_REPOSITORY_QUERY, variables: { owner: 'octo', name: 'app' } }),
    });
    const { data, errors } = (await response.json()) as {
      data: { repository: Record<string, unknown> };
      errors?: unknown;
    };
    expect(errors).toBeUndefined();
    expect(data.repository).toMatchObject({
      isArchived: false,
      isFork: false,
      isEmpty: false,
      workflows: { entries: [{ path: '.github/workflows/ci.yml', object: { text: WORKFLOW } }] },
      pinBranch: { target: { message: 'Initial commit', parents: { nodes: [] } } },
    });
  });

  it('answers the batched read of many repositories, a missing one as null with NOT_FOUND', async () => {
    const query = readRepositoriesQuery([
      { owner: 'octo', name: 'app' },
      { owner: 'octo', name: 'gone"} evil: repository(owner: "x' },
      { owner: 'octo', name: 'empty' },
    ]);
    const response = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query }) });
    const { data, errors } = (await response.json()) as {
      data: Record<string, Record<string, unknown> | null>;
      errors?: { type?: string; path?: string[] }[];
    };
    expect(data.r0).toMatchObject({ isEmpty: false, workflows: { entries: [{ path: '.github/workflows/ci.yml' }] } });
    expect(data.r1).toBeNull();
    expect(data.r2).toMatchObject({ isEmpty: true, defaultBranchRef: null });
    expect(errors).toMatchObject([{ type: 'NOT_FOUND', path: ['r1'] }]);
  });
});

describe('fake GitHub GraphQL mutations for a one-commit change', () => {
  async function graphql(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query, variables }) });
    return (await response.json()) as {
      data?: {
        repository?: { id: string };
        createRef?: { ref: { id: string } };
        createCommitOnBranch?: { commit: { oid: string } };
      };
      errors?: { type?: string; message: string }[];
    };
  }

  it('creates a branch, appends one commit with every file, refuses a stale head, moves the branch back only when forced', async () => {
    seedRepository(fake.state, { fullName: 'octo/mut', files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const repository = findRepository(fake.state, 'octo', 'mut')!;
    const base = repository.branches.get('main')!;
    const ids = await graphql('query { repository(owner: "octo", name: "mut") { id } }');
    const created = await graphql(
      'mutation m($id: ID!, $oid: GitObjectID!) { createRef(input: { repositoryId: $id, name: "refs/heads/pin", oid: $oid }) { ref { id name } } }',
      { id: ids.data!.repository!.id, oid: base },
    );
    expect(created.errors).toBeUndefined();
    const again = await graphql(
      'mutation m($id: ID!, $oid: GitObjectID!) { createRef(input: { repositoryId: $id, name: "refs/heads/pin", oid: $oid }) { ref { id } } }',
      { id: ids.data!.repository!.id, oid: base },
    );
    expect(again.errors?.[0]?.message).toMatch(/already exists/);

    const commit = (expected: string) =>
      graphql(
        'mutation c($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }',
        {
          input: {
            branch: { repositoryNameWithOwner: 'octo/mut', branchName: 'pin' },
            expectedHeadOid: expected,
            message: { headline: 'Pin', body: 'Pinned-by: pinwarden' },
            fileChanges: { additions: [{ path: 'a.txt', contents: Buffer.from('A\n').toString('base64') }] },
          },
        },
      );
    const first = await commit(base);
    expect(first.errors).toBeUndefined();
    const head = repository.branches.get('pin')!;
    expect(head).toBe(first.data!.createCommitOnBranch!.commit.oid);
    expect(Object.fromEntries(readCommitFiles(repository.git, head))).toEqual({ 'a.txt': 'A\n', 'b.txt': 'b\n' });
    expect(repository.git.commits.get(head)).toMatchObject({ parents: [base], message: 'Pin\n\nPinned-by: pinwarden' });
    expect((await commit(base)).errors?.[0]?.type).toBe('STALE_DATA');

    const refId = created.data!.createRef!.ref.id;
    const back = (force: boolean) =>
      graphql(
        `mutation u($refId: ID!, $oid: GitObjectID!) { updateRef(input: { refId: $refId, oid: $oid, force: ${force} }) { ref { name } } }`,
        { refId, oid: base },
      );
    expect((await back(false)).errors?.[0]?.message).toMatch(/not a fast forward/);
    expect((await back(true)).errors).toBeUndefined();
    expect(repository.branches.get('pin')).toBe(base);
    // updateRefs: atomic compare-and-swap on beforeOid; zeros mean "must not exist".
    const swap = (name: string, before: string, after: string) =>
      graphql(
        'mutation s($id: ID!, $updates: [RefUpdate!]!) { updateRefs(input: { repositoryId: $id, refUpdates: $updates }) { clientMutationId } }',
        { id: ids.data!.repository!.id, updates: [{ name, beforeOid: before, afterOid: after, force: true }] },
      );
    expect((await swap('refs/heads/fresh', '0'.repeat(40), head)).errors).toBeUndefined();
    expect(repository.branches.get('fresh')).toBe(head);
    expect((await swap('refs/heads/fresh', base, base)).errors?.[0]?.type).toBe('STALE_DATA');
    expect(repository.branches.get('fresh')).toBe(head);
    expect((await swap('refs/heads/fresh', head, base)).errors).toBeUndefined();
    expect(repository.branches.get('fresh')).toBe(base);
    // A mutation GitHub's schema does not have is refused before anything runs.
    expect((await graphql('mutation { pinEverything(input: {}) { ok } }')).errors?.[0]?.message).toMatch(
      /Cannot query field "pinEverything"/,
    );
    expect(fake.counts().byKind['graphql-write']).toBeGreaterThanOrEqual(6);
  });
});

describe('fake GitHub check runs and pull request files', () => {
  it("creates and updates check runs in GitHub's shape, refusing what GitHub refuses", async () => {
    const head = findRepository(fake.state, 'octo', 'app')!.branches.get('main')!;
    const annotation = {
      path: '.github/workflows/ci.yml',
      start_line: 6,
      end_line: 6,
      annotation_level: 'failure',
      message: 'a tag can move',
    };
    const created = await send('POST', '/repos/octo/app/check-runs', {
      name: 'pinwarden',
      head_sha: head,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: [annotation] },
      actions: [{ label: 'Pin them', description: 'Push one commit pinning these lines', identifier: 'pin' }],
    });
    expectValid('/repos/{owner}/{repo}/check-runs', created.status, created.body, 'post');
    const id = (created.body as { id: number }).id;
    const updated = await send('PATCH', `/repos/octo/app/check-runs/${id}`, {
      output: { title: 't2', summary: 's2', annotations: [annotation] },
    });
    expectValid('/repos/{owner}/{repo}/check-runs/{check_run_id}', updated.status, updated.body, 'patch');
    expect((updated.body as { output: { annotations_count: number } }).output.annotations_count).toBe(2);
    expect(
      (
        await send('POST', '/repos/octo/app/check-runs', {
          name: 'x',
          head_sha: head,
          output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) },
        })
      ).status,
    ).toBe(422);
    expect(
      (await send('POST', '/repos/octo/app/check-runs', { name: 'x', head_sha: head, status: 'completed' })).status,
    ).toBe(422);
    expect(
      (
        await send('POST', '/repos/octo/app/check-runs', {
          name: 'x',
          head_sha: head,
          actions: [{ label: 'A label longer than twenty', description: 'd', identifier: 'i' }],
        })
      ).status,
    ).toBe(422);
  });

  it("answers for a repository in GitHub's shape", async () => {
    const repository = await get('/repos/octo/app');
    expectValid('/repos/{owner}/{repo}', repository.status, repository.body);
    expect((repository.body as { full_name: string }).full_name).toBe('octo/app');
    expect((await get('/repos/octo/nope')).status).toBe(404);
  });

  it("lists a pull request's files with hunk patches, as GitHub pages them", async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    const pull = openPullRequest(repository, {
      title: 'change',
      head: 'contract-files',
      user: { login: 'dev', type: 'User' },
      changes: { '.github/workflows/ci.yml': WORKFLOW.replace('acme/setup@v1', 'acme/setup@v2'), 'new.txt': 'new\n' },
    });
    const files = await get(`/repos/octo/app/pulls/${pull.number}/files?per_page=1`);
    expectValid('/repos/{owner}/{repo}/pulls/{pull_number}/files', files.status, files.body);
    expect((files.body as { filename: string; status: string; patch: string }[])[0]).toMatchObject({
      filename: '.github/workflows/ci.yml',
      status: 'modified',
      patch: expect.stringMatching(/^@@ -\d+,\d+ \+\d+,\d+ @@/),
    });
    expect(files.headers.get('link')).toContain('page=2');
    const second = await get(`/repos/octo/app/pulls/${pull.number}/files?per_page=1&page=2`);
    expect((second.body as { filename: string; status: string }[])[0]).toMatchObject({
      filename: 'new.txt',
      status: 'added',
    });
  });
});

describe('fake GitHub code scanning, dependency graph and organisation listing', () => {
  /** pinwarden's own calls, with the request bodies it sent (checked against the OpenAPI request schemas). */
  function capturingOctokit() {
    const github = createTokenOctokit({ token: 't', baseUrl: fake.url, msPerRetrySecond: 1 });
    const sent: Record<string, unknown>[] = [];
    github.hook.before('request', (options) => {
      const {
        owner: _owner,
        repo: _repo,
        baseUrl: _base,
        headers: _headers,
        request: _request,
        method: _method,
        url: _url,
        mediaType: _media,
        ...body
      } = options as Record<string, unknown>;
      sent.push(body);
    });
    return { github, sent };
  }
  function expectValidRequest(template: string, body: unknown): void {
    const pointer = `github#/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/post/requestBody/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: pointer });
    expect(validate(body) ? [] : validate.errors).toEqual([]);
  }
  const head = () => findRepository(fake.state, 'octo', 'app')!.branches.get('main')!;
  const finding = (uses: string, line: number) => ({
    path: '.github/workflows/ci.yml',
    line,
    uses,
    check: 'unpinned' as const,
    severity: 'medium' as const,
    message: `${uses} can move`,
    evidence: {},
  });

  it('takes a SARIF upload as code scanning does, and its alerts open and get fixed across uploads', async () => {
    const { github, sent } = capturingOctokit();
    const at = { commitSha: head(), ref: 'refs/heads/main' };
    const first = await uploadSarif(
      github,
      { owner: 'octo', name: 'app' },
      at,
      buildSarif([finding('acme/setup@v1', 6), finding('acme/other@v2', 7)], '1.0.0').log,
    );
    expect(first.status).toBe('sent');
    expectValidRequest('/repos/{owner}/{repo}/code-scanning/sarifs', sent[0]);
    // The same first finding two lines lower is the same alert; the second is gone: fixed.
    await uploadSarif(
      github,
      { owner: 'octo', name: 'app' },
      at,
      buildSarif([finding('acme/setup@v1', 8)], '1.0.0').log,
    );
    const alerts = await get('/repos/octo/app/code-scanning/alerts');
    expectValid('/repos/{owner}/{repo}/code-scanning/alerts', alerts.status, alerts.body);
    expect(
      (alerts.body as { state: string; most_recent_instance: { message: { text: string } } }[]).map((alert) => [
        alert.most_recent_instance.message.text,
        alert.state,
      ]),
    ).toEqual([
      ['acme/setup@v1 can move', 'open'],
      ['acme/other@v2 can move', 'fixed'],
    ]);
    const receipt = await send('POST', '/repos/octo/app/code-scanning/sarifs', {
      commit_sha: head(),
      ref: 'refs/heads/main',
      sarif: gzipSync('{"version":"2.1.0","runs":[{"results":[]}]}').toString('base64'),
    });
    expect(receipt.status).toBe(400);
  });

  it('answers 403 where the installation may not upload, and pinwarden takes that as a refusal', async () => {
    const repository = findRepository(fake.state, 'octo', 'app')!;
    repository.refusedReports.add('code-scanning');
    try {
      const { github } = capturingOctokit();
      const answer = await uploadSarif(
        github,
        { owner: 'octo', name: 'app' },
        { commitSha: head(), ref: 'refs/heads/main' },
        buildSarif([], '1.0.0').log,
      );
      expect(answer).toMatchObject({ status: 'refused', httpStatus: 403 });
    } finally {
      repository.refusedReports.delete('code-scanning');
    }
  });

  it('takes a dependency snapshot in the shape the OpenAPI description gives', async () => {
    const { github, sent } = capturingOctokit();
    const entries = inventoryOf({
      workflows: [{ path: '.github/workflows/ci.yml', located: locateUsesSites(WORKFLOW, 'workflow') }],
      images: [],
      findings: [],
    });
    const snapshot = dependencySnapshot(entries, {
      sha: head(),
      ref: 'refs/heads/main',
      version: '1.0.0',
      jobId: 'job-1',
      scanned: '2026-12-06T00:00:00Z',
    });
    const answer = await submitSnapshot(github, { owner: 'octo', name: 'app' }, snapshot);
    expect(answer.status).toBe('sent');
    expectValidRequest('/repos/{owner}/{repo}/dependency-graph/snapshots', sent[0]);
    const stored = findRepository(fake.state, 'octo', 'app')!.snapshots.at(-1)!;
    expect(Object.keys(stored.manifests['.github/workflows/ci.yml']!.resolved!)).toEqual([
      'pkg:githubactions/acme/setup@1',
    ]);
    const refused = await send('POST', '/repos/octo/app/dependency-graph/snapshots', { version: 0 });
    expect(refused.status).toBe(422);
    const created = await send('POST', '/repos/octo/app/dependency-graph/snapshots', snapshot);
    expectValid('/repos/{owner}/{repo}/dependency-graph/snapshots', created.status, created.body, 'post');
  });

  it("lists an organisation's repositories, and answers 404 for an owner that has none", async () => {
    const listed = await get('/orgs/octo/repos');
    expectValid('/orgs/{org}/repos', listed.status, listed.body);
    expect((listed.body as { full_name: string }[]).map((repository) => repository.full_name)).toEqual(
      expect.arrayContaining(['octo/app', 'octo/empty']),
    );
    expect((await get('/orgs/nobody-here/repos')).status).toBe(404);
  });
});
