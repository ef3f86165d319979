// The GitHub App end to end: Probot's real HTTP server on loopback receives signed webhooks and
// works against the fake GitHub, which answers from real refs data (fixtures/demo/refs, copied
// from ../shared/corpus/refs) and in-memory repositories seeded here.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createFakeState, addComment, findRepository, openIssue, pullRequests, seedRepository } from '../../src/fake-github/fake-state.js';
import type { FakeRepository, FakeState } from '../../src/fake-github/fake-state.js';
import { readCommitFiles, writeBlob, writeCommit, writeTree } from '../../src/fake-github/git-store.js';
import { secondaryRateLimit, startFakeGitHub } from '../../src/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/fake-github/load-refs.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { startLocalApp } from '../../src/local-run/start-local-app.js';
import type { LocalApp } from '../../src/local-run/start-local-app.js';
import { installationCreated, issueCommentCreated, push } from '../../src/local-run/webhook-payloads.js';
import { PIN_BRANCH } from '../../src/app/read-repository.js';
import { fixturesDir } from '../support/paths.js';

const CHECKOUT_V4 = 'uses: actions/checkout@v4';
const WORKFLOW = [
  'name: ci',
  'on: [push]',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  `      - ${CHECKOUT_V4}   # fetch the code`,
  "      - uses: 'actions/setup-node@v4'",
  '        with: { node-version: 24 }',
  '      - uses: ./local-action',
  '      - uses: nobody/missing-action@v1',
  '',
].join('\n');

let refs: RepoRefs[];
let fake: FakeGitHub;
let local: LocalApp;
let state: FakeState;

beforeAll(async () => {
  refs = await loadRefsDir(join(fixturesDir, 'demo', 'refs'));
});

async function start(seed: (state: FakeState) => void, options: { concurrency?: number; debounceMs?: number } = {}) {
  state = createFakeState(refs);
  seed(state);
  fake = await startFakeGitHub({ state });
  local = await startLocalApp(fake, options);
}

afterEach(async () => {
  await local?.stop();
  await fake?.close();
});

function refsOf(name: string): RepoRefs {
  return refs.find((entry) => entry.repo === name)!;
}

function tagSha(repo: string, tag: string): string {
  return refsOf(repo).tags.find((entry) => entry.name === tag)!.sha;
}

function branchFiles(repository: FakeRepository, branch = PIN_BRANCH): Map<string, string> {
  return readCommitFiles(repository.git, repository.branches.get(branch)!);
}

function repo(name: string): FakeRepository {
  return findRepository(state, 'octo-org', name)!;
}

/** Writes to repositories (the installation token request is not one). */
function contentWrites(): string[] {
  return fake.requests.filter((entry) => entry.kind === 'rest-write' && !entry.route.startsWith('POST /app/')).map((entry) => entry.route);
}

async function install(...names: string[]) {
  const delivery = await local.deliver('installation', installationCreated(names.map(repo)));
  await local.pinwarden.idle();
  return delivery;
}

describe('installation', () => {
  it('opens one pull request per repository with pins, dependabot.yml and a reviewer-ready body', async () => {
    await start((s) => {
      seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': WORKFLOW, 'README.md': 'web\n' } });
      seedRepository(s, {
        fullName: 'octo-org/api',
        files: {
          '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4.2.2\n',
          '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm # node deps\n    directory: "/"\n    schedule:\n      interval: daily\n',
        },
      });
    });
    const delivery = await install('web', 'api');
    expect(delivery.status).toBe(200);

    const web = repo('web');
    const [pull] = pullRequests(web);
    expect(pullRequests(web)).toHaveLength(1);
    expect(pull!.title).toBe('Pin GitHub Actions to commit SHAs');
    expect(pull!.pull!.base).toBe('main');
    const files = branchFiles(web);
    const ci = files.get('.github/workflows/ci.yml')!;
    const checkout = tagSha('actions/checkout', 'v4');
    // The version goes first in the comment, where Dependabot and readers look; the words stay.
    expect(ci).toMatch(new RegExp(`\\n      - uses: actions/checkout@${checkout}   # v4\\.\\d+\\.\\d+ fetch the code\\n`));
    expect(ci).toMatch(new RegExp(`uses: 'actions/setup-node@${tagSha('actions/setup-node', 'v4')}' # v4\\.\\d+\\.\\d+\\n`));
    expect(ci).toContain('      - uses: ./local-action\n');
    expect(ci).toContain('      - uses: nobody/missing-action@v1\n');
    // Every other byte is kept: the only differing lines are the two pinned ones.
    const changed = ci.split('\n').filter((line, index) => line !== WORKFLOW.split('\n')[index]);
    expect(changed).toHaveLength(2);
    expect(files.get('README.md')).toBe('web\n');
    expect(parse(files.get('.github/dependabot.yml')!).updates[0]).toMatchObject({ 'package-ecosystem': 'github-actions', directory: '/', schedule: { interval: 'weekly' }, cooldown: { 'default-days': 7 } });
    // One commit on top of the default branch.
    const commit = web.git.commits.get(web.branches.get(PIN_BRANCH)!)!;
    expect(commit.parents).toEqual([web.branches.get('main')]);

    expect(pull!.body).toContain('### Why');
    expect(pull!.body).toContain(`https://github.com/actions/checkout/commit/${checkout}`);
    expect(pull!.body).toMatch(/releases\/tag\/v4\.\d+\.\d+/);
    expect(pull!.body).toContain('nobody/missing-action@v1');
    expect(pull!.body).toContain('### Left as they are');
    expect(pull!.body).toContain('Adds <code>.github/dependabot.yml</code>');

    // The already-pinned-by-tag repository gets its entry added to the existing dependabot.yml, byte for byte.
    const api = repo('api');
    expect(pullRequests(api)).toHaveLength(1);
    const dependabot = branchFiles(api).get('.github/dependabot.yml')!;
    expect(dependabot.startsWith('version: 2\nupdates:\n  - package-ecosystem: npm # node deps\n    directory: "/"\n    schedule:\n      interval: daily\n  - package-ecosystem: github-actions\n')).toBe(true);
  });

  it('answers the webhook at once and does the work in the queue, four writes per new pull request', async () => {
    await start((s) => {
      for (let index = 0; index < 3; index += 1) seedRepository(s, { fullName: `octo-org/svc-${index}`, files: { '.github/workflows/ci.yml': WORKFLOW } });
    });
    fake.setLatency(40);
    const delivery = await local.deliver('installation', installationCreated(['svc-0', 'svc-1', 'svc-2'].map(repo)));
    expect(delivery.status).toBe(200);
    // Answered before the first API call could have come back.
    expect(fake.requests.filter((entry) => entry.route !== 'POST /app/installations/{installation_id}/access_tokens').length).toBe(0);
    await local.pinwarden.idle();
    const { byRoute } = fake.counts();
    expect(byRoute['POST /repos/{owner}/{repo}/pulls']).toBe(3);
    expect(byRoute['POST /repos/{owner}/{repo}/git/trees']).toBe(3);
    expect(byRoute['POST /repos/{owner}/{repo}/git/commits']).toBe(3);
    expect(byRoute['POST /repos/{owner}/{repo}/git/refs']).toBe(3);
    // Reads: one snapshot query per repository, refs resolved once for all three (one cached batch).
    expect(byRoute['POST /graphql']).toBe(4);
  });

  it('skips archived repositories, forks, empty repositories and those with nothing to pin', async () => {
    await start((s) => {
      seedRepository(s, { fullName: 'octo-org/old', files: { '.github/workflows/ci.yml': WORKFLOW }, archived: true });
      seedRepository(s, { fullName: 'octo-org/forked', files: { '.github/workflows/ci.yml': WORKFLOW }, fork: true });
      seedRepository(s, { fullName: 'octo-org/empty' });
      seedRepository(s, { fullName: 'octo-org/docs', files: { 'README.md': 'no workflows\n' } });
      seedRepository(s, { fullName: 'octo-org/local-only', files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./here\n' } });
    });
    await install('old', 'forked', 'empty', 'docs', 'local-only');
    for (const name of ['old', 'forked', 'empty', 'docs', 'local-only']) expect(pullRequests(repo(name)), name).toHaveLength(0);
    expect(contentWrites()).toEqual([]);
  });
});
