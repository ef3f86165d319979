// GitHub's content-creation limit through pinwarden's Octokit, against the fake: on a scaled
// clock (2 ms per GitHub second, so an "hour" is 7.2 s), the 501st content-creating request of
// an installation waits until the first is an hour old, while reads go straight through.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addComment, createFakeState, openIssue, seedRepository } from '../../src/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/fake-github/fake-github-server.js';
import { createTokenOctokit } from '../../src/github/create-octokit.js';

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
  const comment = (index: number) => octokit.rest.git.createTree({ owner: 'octo', repo: 'pace', tree: [{ path: `f${index}`, mode: '100644', type: 'blob', content: `${index}` }] });
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
