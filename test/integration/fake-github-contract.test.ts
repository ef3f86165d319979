// The fake GitHub must answer as GitHub does: REST bodies are validated against GitHub's
// OpenAPI description (@octokit/openapi, api.github.com), GraphQL queries against GitHub's
// schema, so a test cannot pass here on a request GitHub would refuse or an answer it never gives.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeState } from '../../src/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/fake-github/load-refs.js';
import { fixturesDir } from '../support/paths.js';

interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
}

let fake: FakeGitHub;
let openapi: OpenApi;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  fake = await startFakeGitHub({ state: createFakeState(await loadRefsDir(join(fixturesDir, 'refs'))) });
  const packageDir = dirname(createRequire(import.meta.url).resolve('@octokit/openapi/package.json'));
  openapi = nullableToJsonSchema(JSON.parse(readFileSync(join(packageDir, 'generated', 'api.github.com.json'), 'utf8'))) as OpenApi;
  ajv.addSchema(openapi as object, 'github');
});
afterAll(async () => fake.close());

/** OpenAPI 3.0 allows `nullable` beside `$ref` or `allOf`; JSON Schema says it with `anyOf`. */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([key, value]) => [key, nullableToJsonSchema(value)] as const);
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (object.nullable === true && object.type === undefined) {
    const { nullable: _nullable, ...rest } = object;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return object;
}

function validatorFor(path: string, status: string) {
  const pointer = `github#/paths/${path.replaceAll('~', '~0').replaceAll('/', '~1')}/get/responses/${status}/content/application~1json/schema`;
  return ajv.compile({ $ref: pointer });
}

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${fake.url}${path}`, { headers: { accept: 'application/vnd.github+json', authorization: 'token t' } });
  return { status: response.status, body: await response.json() };
}

const TAG_OBJECT = JSON.parse(readFileSync(join(fixturesDir, 'refs', 'acme__setup.json'), 'utf8')).tags.find((tag: { tag_object_sha: string | null }) => tag.tag_object_sha).tag_object_sha as string;

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
    const validate = status === '404' ? ajv.compile({ $ref: 'github#/components/schemas/basic-error' }) : validatorFor(template, status);
    expect(validate(response.body) ? [] : validate.errors).toEqual([]);
  });

  it('pages tag listings with a Link header, as GitHub does', async () => {
    const response = await fetch(`${fake.url}/repos/acme/setup/tags?per_page=2`);
    expect(response.headers.get('link')).toMatch(/<[^>]+page=2>; rel="next"/);
  });
});

describe('fake GitHub GraphQL is GitHub’s schema', () => {
  async function graphql(query: string) {
    const response = await fetch(`${fake.url}/graphql`, { method: 'POST', body: JSON.stringify({ query }), headers: { 'content-type': 'application/json' } });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: { type?: string; message: string; path?: string[] }[] };
  }

  it('rejects a field GitHub does not have', async () => {
    const result = await graphql('query { repository(owner: "acme", name: "setup") { tagsByMagic { name } } }');
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "tagsByMagic" on type "Repository"/);
  });

  it('rejects a connection without pagination bounds, and more than 100 records', async () => {
    const missing = await graphql('query { repository(owner: "acme", name: "setup") { refs(refPrefix: "refs/tags/") { nodes { name } } } }');
    expect(missing.errors?.[0]?.type).toBe('MISSING_PAGINATION_BOUNDARIES');
    const tooMany = await graphql('query { repository(owner: "acme", name: "setup") { refs(refPrefix: "refs/tags/", first: 101) { nodes { name } } } }');
    expect(tooMany.errors?.[0]?.type).toBe('EXCESSIVE_PAGINATION');
  });

  it('answers a missing repository with null and a NOT_FOUND error at its path', async () => {
    const result = await graphql('query { a: repository(owner: "acme", name: "setup") { name } b: repository(owner: "acme", name: "nope") { name } }');
    expect(result.data).toEqual({ a: { name: 'setup' }, b: null });
    expect(result.errors).toMatchObject([{ type: 'NOT_FOUND', path: ['b'] }]);
  });

  it('peels an annotated tag through its Tag object', async () => {
    const result = await graphql('query { repository(owner: "acme", name: "setup") { ref(qualifiedName: "refs/tags/v1.2.3") { target { __typename oid ... on Tag { target { __typename oid } } } } } }');
    expect(result.data).toEqual({ repository: { ref: { target: { __typename: 'Tag', oid: TAG_OBJECT, target: { __typename: 'Commit', oid: expect.stringMatching(/^[0-9a-f]{40}$/) } } } } });
  });
});

describe('fake GitHub bookkeeping', () => {
  it('counts requests by kind and by route', async () => {
    fake.resetCounts();
    await get('/repos/acme/setup/tags');
    await get('/repos/acme/setup/git/ref/tags%2Fv1');
    await fetch(`${fake.url}/api/graphql`, { method: 'POST', body: JSON.stringify({ query: '{ rateLimit { cost } }' }) });
    expect(fake.counts()).toEqual({
      byKind: { graphql: 1, 'rest-read': 2, 'rest-write': 0 },
      byRoute: { 'GET /repos/{owner}/{repo}/tags': 1, 'GET /repos/{owner}/{repo}/git/ref/{ref}': 1, 'POST /graphql': 1 },
      total: 3,
    });
  });
});
