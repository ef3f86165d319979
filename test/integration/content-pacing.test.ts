// GitHub's content-creation limit through pinwarden's Octokit, against the fake: on a scaled
// clock (2 ms per GitHub second, so an "hour" is 7.2 s), the 501st content-creating request of
// an installation waits until the first is an hour old, while reads go straight through.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addComment, createFakeState, openIssue, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { createTokenOctokit } from '../../src/github/create-octokit.js';
import { mostIn } from '../../src/dev/local-run/cluster-check.js';

let fake: FakeGitHub;
beforeAll(async () => {
  const state = createFakeState();
  const repository = seedRepository(state, { fullName: 'octo/pace', files: { 'README.md': 'x\n' } });
  const issue = openIssue(repository, { title: 't', body: '', user: { login: 'dev', type: 'User' } });
  addComment(state, repository, { issueNumber: issue.number, body: 'hello', user: { login: 'dev', type: 'User' } });
  fake = await startFakeGitHub({ state });
});
afterAll(async () => fake.close());

it('holds the 501st write of a scaled hour, not the reads', async () => {
  const octokit = createTokenOctokit({ token: 't', baseUrl: fake.url, msPerRetrySecond: 2 });
  // Trees: content-creating but not notifying, so only the hourly budget can hold them back.
  const comment = (index: number) =>
    octokit.rest.git.createTree({
      owner: 'octo',
      repo: 'pace',
      tree: [{ path: `f${index}`, mode: '100644', type: 'blob', content: `${index}` }],
    });
  await Promise.all(Array.from({ length: 500 }, (_, index) => comment(index)));
  const readStarted = performance.now();
  await octokit.graphql('query pinwardenPaceRead { rateLimit { cost } }');
  const readMs = performance.now() - readStarted;
  await comment(500);
  const writes = fake.requests.filter((entry) => entry.kind === 'rest-write');
  expect(writes).toHaveLength(501);
  // Without the budget the first 500 take well under the scaled hour, so the wait below is its doing.
  expect(writes[499]!.at - writes[0]!.at).toBeLessThan(6_000);
  // The hour (7,200 scaled ms) after the first write was reserved had to pass before the 501st
  // (measured at the fake, which saw the first write a little after it was reserved).
  expect(writes[500]!.at - writes[0]!.at).toBeGreaterThanOrEqual(7_000);
  // The read in between was not held back with it.
  expect(readMs).toBeLessThan(1_000);
}, 30_000);

it('keeps every scaled hour to 500 writes as GitHub sees them, however long the throttling queue', async () => {
  fake.resetCounts();
  // 4 ms a GitHub second: the budget's 1 % margin is 144 ms of this clock. At 2 ms (72 ms) a busy
  // machine's scheduling jitter alone broke the count now and then (501, 507 of 500 under the full suite).
  const octokit = createTokenOctokit({ token: 't', baseUrl: fake.url, msPerRetrySecond: 4 });
  // 600 at once: Octokit's throttling sends them 2 ms apart, so the 500th leaves a second after the
  // first. A slot taken before that queue (as pinwarden once did) let writes 501+ go an hour after
  // the first 500 were *taken*, less than an hour after most of them were *sent*.
  await Promise.all(
    Array.from({ length: 600 }, (_, index) =>
      octokit.rest.git.createTree({
        owner: 'octo',
        repo: 'pace',
        tree: [{ path: `g${index}`, mode: '100644', type: 'blob', content: `${index}` }],
      }),
    ),
  );
  const times = fake.requests
    .filter((entry) => entry.kind === 'rest-write')
    .map((entry) => entry.at)
    .sort((a, b) => a - b);
  expect(times).toHaveLength(600);
  expect(mostIn(times, 3600 * 4)).toBeLessThanOrEqual(500);
}, 60_000);

it('paces GraphQL queries by their own limit (2,000 points a minute), mutations and REST writes a second apart', async () => {
  fake.resetCounts();
  // 40 ms a GitHub second: a query every 30 GitHub ms is 1.2 ms; a write every 40 ms.
  const octokit = createTokenOctokit({ token: 't', baseUrl: fake.url, msPerRetrySecond: 40 });
  const started = performance.now();
  await Promise.all([
    ...Array.from({ length: 20 }, (_, index) =>
      octokit.graphql(`query pinwardenPaceQuery${index} { rateLimit { cost } }`),
    ),
    ...Array.from({ length: 4 }, (_, index) =>
      octokit.rest.git.createTree({
        owner: 'octo',
        repo: 'pace',
        tree: [{ path: `q${index}`, mode: '100644', type: 'blob', content: 'q' }],
      }),
    ),
  ]);
  const queries = fake.requests.filter((entry) => entry.kind === 'graphql');
  const writes = fake.requests.filter((entry) => entry.kind === 'rest-write');
  expect(queries).toHaveLength(20);
  // Before: every query took its turn at the one-a-second gate with the writes: 24 turns, 920 ms at least.
  expect(queries.at(-1)!.at - queries[0]!.at).toBeLessThan(400);
  // The writes still keep a GitHub second apart: four of them span three seconds (less a second for
  // the jitter of their way to the fake on a busy machine: one pair once arrived 8 ms apart).
  expect(writes).toHaveLength(4);
  expect(writes[3]!.at - writes[0]!.at).toBeGreaterThanOrEqual(2 * 40);
  expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40 - 5);
}, 30_000);
