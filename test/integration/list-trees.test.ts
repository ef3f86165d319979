// Trees listed with GraphQL, ten repositories a query, against the fake GitHub (its GraphQL is
// GitHub's schema): a tree within TREE_DEPTH folders is complete and costs no REST call; a deeper
// one says so, and the image read lists it over REST as before, finding the deep Dockerfile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeState, findRepository, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { createTokenOctokit } from '../../src/github/create-octokit.js';
import type { GitHubClient } from '../../src/github/github-client.js';
import { TREE_DEPTH, listTrees } from '../../src/github/list-trees.js';
import { readImageFiles } from '../../src/github/read-image-files.js';

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n';
const DEEP = `${Array.from({ length: TREE_DEPTH + 1 }, (_, index) => `d${index}`).join('/')}/Dockerfile`;
let fake: FakeGitHub;
let github: GitHubClient;
beforeAll(async () => {
  const state = createFakeState();
  for (let index = 0; index < 12; index += 1)
    seedRepository(state, {
      fullName: `octo/r${index}`,
      files: { Dockerfile: 'FROM node:20\n', 'deploy/base/app.yaml': POD, 'README.md': `${index}\n` },
    });
  seedRepository(state, { fullName: 'octo/deep', files: { [DEEP]: 'FROM alpine:3.20\n', 'README.md': 'x\n' } });
  fake = await startFakeGitHub({ state });
  github = createTokenOctokit({ token: 't', baseUrl: fake.url, msPerRetrySecond: 1 }) as unknown as GitHubClient;
});
afterAll(async () => fake.close());

const at = (name: string) => ({
  owner: 'octo',
  name,
  commit: findRepository(fake.state, 'octo', name)!.branches.get('main')!,
});

describe('trees listed with GraphQL', () => {
  it('lists twelve repositories in two queries, each complete with its sizes, and no REST call', async () => {
    fake.resetCounts();
    const listings = await listTrees(
      github,
      Array.from({ length: 12 }, (_, index) => at(`r${index}`)),
    );
    expect(fake.counts().byRoute).toEqual({ 'POST /graphql (pinwardenListTrees)': 2 });
    expect(listings.every((listing) => listing?.complete)).toBe(true);
    expect(listings[3]!.entries).toEqual(
      expect.arrayContaining([
        { path: 'Dockerfile', type: 'blob', size: 13 },
        { path: 'deploy', type: 'tree' },
        { path: 'deploy/base/app.yaml', type: 'blob', size: POD.length },
      ]),
    );
  });

  it('says a tree deeper than it goes is incomplete, and the image read then lists it over REST', async () => {
    const [listing] = await listTrees(github, [at('deep')]);
    expect(listing!.complete).toBe(false);
    fake.resetCounts();
    const read = await readImageFiles(github, { owner: 'octo', name: 'deep' }, at('deep').commit, () => false);
    expect(read.files.map((file) => file.path)).toEqual([DEEP]);
    expect(fake.counts().byRoute['GET /repos/{owner}/{repo}/git/trees/{tree_sha}']).toBe(1);
    // A shallow one costs no REST call at all.
    fake.resetCounts();
    const shallow = await readImageFiles(github, { owner: 'octo', name: 'r0' }, at('r0').commit, () => false);
    expect(shallow.files.map((file) => file.path).sort()).toEqual(['Dockerfile', 'deploy/base/app.yaml']);
    expect(fake.counts().byKind['rest-read']).toBe(0);
  });
});
