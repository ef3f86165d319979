// The benchmark's own parts, so its figures mean what they say: the synthetic org is the same for
// the same seed (the fake and the runners build it separately), its files come from the corpus
// (read from ../shared in place) with SHA pins turned back into tags, and the naive baseline
// really asks once per occurrence.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { naiveResolverFor } from '../../src/dev/bench/naive-resolver.js';
import { synthesizeOrg } from '../../src/dev/fake-github/synthesize-org.js';
import type { GitHubClient } from '../../src/github/github-client.js';
import { createFakeState } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { createTokenOctokit } from '../../src/github/create-octokit.js';
import { snapshotReferences } from '../../src/plan/plan-repository.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { corpusAvailable, corpusRefsDir, corpusWorkflowsDir, fixturesDir } from '../support/paths.js';

let refs: RepoRefs[];
beforeAll(async () => {
  if (!corpusAvailable) return;
  refs = loadRefsDir(corpusRefsDir);
});

describe.skipIf(!corpusAvailable)('synthesizeOrg', () => {
  it('is deterministic per seed and draws corpus files with tags where SHAs were', async () => {
    const [a, b, c] = await Promise.all(
      [1, 1, 2].map((seed) => synthesizeOrg({ repos: 30, seed, corpusDir: corpusWorkflowsDir, refs })),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const references = a!.flatMap((repository) =>
      snapshotReferences(Object.entries(repository.files).map(([path, text]) => ({ path, text }))),
    );
    const remote = references.filter(({ ref }) => ref.kind === 'action' || ref.kind === 'reusable-workflow');
    expect(remote.length).toBeGreaterThan(100);
    // Most references name tags (corpus pins whose tag the refs data confirms were turned back).
    const tagged = remote.filter(({ ref }) => 'refKind' in ref && ref.refKind !== 'full-sha');
    expect(tagged.length / remote.length).toBeGreaterThan(0.5);
  });
});

describe.skipIf(!corpusAvailable)('naive resolver', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub({ state: createFakeState(loadRefsDir(join(fixturesDir, 'refs'))) });
  });
  afterAll(async () => fake?.close());

  it('asks REST once per occurrence, with no cache: tag, then branch, peeling annotated tags', async () => {
    const github = createTokenOctokit({
      token: 't',
      baseUrl: fake.url,
      msPerRetrySecond: 1,
    }) as unknown as GitHubClient;
    const text =
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: acme/setup@v1.2.3\n      - uses: acme/setup@v1.2.3\n      - uses: acme/setup@v1.2.3\n      - uses: acme/deploy@main\n';
    const resolver = naiveResolverFor(github)({
      files: [{ path: '.github/workflows/ci.yml', text }],
      unreadable: [],
      dependabot: undefined,
    });
    fake.resetCounts();
    const answers = await resolver.resolve([
      { owner: 'acme', repo: 'setup', ref: 'v1.2.3' },
      { owner: 'acme', repo: 'deploy', ref: 'main' },
    ]);
    expect([...answers.values()].map((answer) => answer.status)).toEqual(['resolved', 'resolved']);
    // v1.2.3 is annotated: ref + tag object, three times; main: tag miss + branch.
    expect(fake.counts().byRoute).toEqual({
      'GET /repos/{owner}/{repo}/git/ref/{ref}': 3 + 2,
      'GET /repos/{owner}/{repo}/git/tags/{tag_sha}': 3,
    });
  });
});
