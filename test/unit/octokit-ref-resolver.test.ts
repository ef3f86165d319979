// Focused tests of the GitHub adapter with nock: the exact requests it sends and how it reads
// the answers. Strict: no real network, every mock used, no request left unmatched.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenOctokit } from '../../src/github/create-octokit.js';
import { createOctokitRefResolver } from '../../src/github/octokit-ref-resolver.js';
import { refKey } from '../../src/resolve/types.js';

const API = 'https://api.github.test';
const COMMIT = 'c'.repeat(40);
const OLD_COMMIT = 'd'.repeat(40);
const TAG_OBJECT = 'e'.repeat(40);
const BRANCH_HEAD = 'f'.repeat(40);
const unmatched: string[] = [];

beforeEach(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', (request: { method?: string; path?: string }) =>
    unmatched.push(`${request.method} ${request.path}`),
  );
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.emitter.removeAllListeners('no match');
  expect(unmatched.splice(0)).toEqual([]);
  expect(pending).toEqual([]);
});

function resolver() {
  return createOctokitRefResolver(createTokenOctokit({ token: 'test-token', baseUrl: API, msPerRetrySecond: 1 }));
}

describe('octokit ref resolver, GraphQL', () => {
  it('resolves many refs of many repositories in one query, peeling annotated tags', async () => {
    let body: { query: string } | undefined;
    nock(API)
      .post('/graphql', (sent: { query: string }) => {
        body = sent;
        return true;
      })
      .matchHeader('authorization', 'token test-token')
      .reply(200, {
        data: {
          r0: {
            t0: { target: { __typename: 'Tag', oid: TAG_OBJECT, target: { __typename: 'Commit', oid: COMMIT } } },
            b0: null,
            v0: {
              nodes: [
                {
                  name: 'v4.2.2',
                  target: { __typename: 'Tag', oid: 'a'.repeat(40), target: { __typename: 'Commit', oid: COMMIT } },
                },
                { name: 'v4.1.0', target: { __typename: 'Commit', oid: OLD_COMMIT } },
              ],
            },
            t1: { target: { __typename: 'Commit', oid: OLD_COMMIT } },
            b1: { target: { oid: BRANCH_HEAD } },
            v1: { nodes: [] },
            recent: { nodes: [] },
          },
          r1: null,
          rateLimit: { cost: 1, remaining: 4999, resetAt: '2026-11-22T20:00:00Z' },
        },
        errors: [
          { type: 'NOT_FOUND', path: ['r1'], message: "Could not resolve to a Repository with the name 'acme/gone'." },
        ],
      });
    const answers = await resolver().resolve([
      { owner: 'actions', repo: 'checkout', ref: 'v4' },
      { owner: 'actions', repo: 'checkout', ref: 'v3' },
      { owner: 'acme', repo: 'gone', ref: 'v1' },
      { owner: 'Actions', repo: 'Checkout', ref: 'v4' },
    ]);
    expect(body?.query).toContain('r0: repository(owner: "actions", name: "checkout")');
    expect(body?.query).toContain('t0: ref(qualifiedName: "refs/tags/v4")');
    expect(body?.query).toContain('b1: ref(qualifiedName: "refs/heads/v3")');
    expect(body?.query).toContain('r1: repository(owner: "acme", name: "gone")');
    expect(body?.query.match(/repository\(/g)).toHaveLength(2);
    expect(answers.get(refKey({ owner: 'actions', repo: 'checkout', ref: 'v4' }))).toEqual({
      status: 'resolved',
      sha: COMMIT,
      refType: 'tag',
      tag: 'v4.2.2',
      tagsOnCommit: ['v4.2.2', 'v4'],
      ambiguous: false,
    });
    expect(answers.get(refKey({ owner: 'actions', repo: 'checkout', ref: 'v3' }))).toMatchObject({
      status: 'resolved',
      sha: OLD_COMMIT,
      refType: 'tag',
      ambiguous: true,
    });
    expect(answers.get(refKey({ owner: 'acme', repo: 'gone', ref: 'v1' }))).toMatchObject({
      status: 'not-found',
      reason: expect.stringContaining('acme/gone'),
    });
    expect(answers.size).toBe(3);
  });

  it('splits large requests into batches', async () => {
    const queries: string[] = [];
    nock(API)
      .post('/graphql', (sent: { query: string }) => queries.push(sent.query) > 0)
      .times(3)
      .reply(200, { data: {} });
    const requests = Array.from({ length: 5 }, (_, index) => ({ owner: 'o', repo: `r${index}`, ref: 'v1' }));
    const answers = await createOctokitRefResolver(
      createTokenOctokit({ token: 't', baseUrl: API, msPerRetrySecond: 1 }),
      { batchSize: 2 },
    ).resolve(requests);
    expect(queries).toHaveLength(3);
    expect([...answers.values()].every((answer) => answer.status === 'not-found')).toBe(true);
  });

  it('reports a rejected token as a failure without guessing', async () => {
    nock(API).post('/graphql').reply(401, { message: 'Bad credentials' });
    const answers = await resolver().resolve([{ owner: 'o', repo: 'r', ref: 'v1' }]);
    expect([...answers.values()]).toEqual([{ status: 'failed', reason: 'GitHub rejected the token (401)' }]);
  });
});

describe('octokit ref resolver, REST fallback', () => {
  it('falls back to REST when GraphQL keeps failing, and still peels annotated tags', async () => {
    nock(API).post('/graphql').times(4).reply(502, 'bad gateway');
    nock(API)
      .get('/repos/actions/checkout/tags')
      .query({ per_page: '100' })
      .reply(200, [
        { name: 'v4.2.2', commit: { sha: COMMIT } },
        { name: 'v4', commit: { sha: COMMIT } },
      ])
      .get('/repos/actions/checkout/git/ref/tags%2Fv4')
      .reply(200, { ref: 'refs/tags/v4', object: { type: 'tag', sha: TAG_OBJECT } })
      .get(`/repos/actions/checkout/git/tags/${TAG_OBJECT}`)
      .reply(200, { sha: TAG_OBJECT, object: { type: 'commit', sha: COMMIT } })
      .get('/repos/actions/checkout/git/ref/heads%2Fv4')
      .reply(404, { message: 'Not Found' });
    const warnings: string[] = [];
    const log = { debug: () => {}, info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };
    const answers = await createOctokitRefResolver(
      createTokenOctokit({ token: 'test-token', baseUrl: API, msPerRetrySecond: 1, log }),
    ).resolve([{ owner: 'actions', repo: 'checkout', ref: 'v4' }]);
    expect([...answers.values()]).toEqual([
      {
        status: 'resolved',
        sha: COMMIT,
        refType: 'tag',
        tag: 'v4.2.2',
        tagsOnCommit: ['v4.2.2', 'v4'],
        ambiguous: false,
      },
    ]);
    // The fallback is said, with why.
    expect(warnings.filter((message) => message.startsWith('a GraphQL batch'))).toEqual([
      expect.stringMatching(/^a GraphQL batch of 1 refs failed \(502: bad gateway\); asking REST/),
    ]);
  });

  it('reports a missing repository from its tag listing', async () => {
    nock(API).post('/graphql').times(4).reply(500, 'boom');
    nock(API).get('/repos/acme/gone/tags').query(true).reply(404, { message: 'Not Found' });
    const answers = await resolver().resolve([{ owner: 'acme', repo: 'gone', ref: 'v1' }]);
    expect([...answers.values()][0]).toMatchObject({ status: 'not-found' });
  });
});
