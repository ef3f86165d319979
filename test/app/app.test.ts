// The GitHub App end to end: Probot's real HTTP server on loopback receives signed webhooks and
// works against the fake GitHub, which answers from real refs data (fixtures/demo/refs, copied
// from ../shared/corpus/refs) and in-memory repositories seeded here.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  addComment,
  commitToBranch,
  createFakeState,
  findRepository,
  openIssue,
  pullRequests,
  seedRepository,
} from '../../src/dev/fake-github/fake-state.js';
import type { FakeIssue, FakeRepository, FakeState } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { secondaryRateLimit, startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { startLocalApp } from '../../src/dev/local-run/start-local-app.js';
import type { LocalApp } from '../../src/dev/local-run/start-local-app.js';
import {
  installationCreated,
  installationRepositoriesAdded,
  issueCommentCreated,
  push,
} from '../../src/dev/local-run/webhook-payloads.js';
import { PIN_BRANCH } from '../../src/pull-request/render-pull-request.js';
import { createPreReads } from '../../src/queue/pre-reads.js';
import { fixturesDir } from '../support/paths.js';
import { renderedText } from '../support/rendered.js';
import { createTokenOctokit } from '../../src/github/create-octokit.js';
import type { GitHubClient } from '../../src/github/github-client.js';

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
  refs = loadRefsDir(join(fixturesDir, 'demo', 'refs'));
});

async function start(seed: (state: FakeState) => void, options: { concurrency?: number; debounceMs?: number } = {}) {
  state = createFakeState(refs);
  seed(state);
  fake = await startFakeGitHub({ state });
  local = await startLocalApp(fake, {
    ...options,
    ...(process.env.APP_TEST_LOG ? { log: (await import('pino')).pino({ level: 'debug' }) } : {}),
  });
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

/** Writes to repositories (the installation token request is not one), code scanning and dependency-graph reports aside. */
function contentWrites(): string[] {
  return allWrites().filter((route) => !REPORTS.includes(route));
}

const REPORTS = [
  'POST /repos/{owner}/{repo}/code-scanning/sarifs',
  'POST /repos/{owner}/{repo}/dependency-graph/snapshots',
];

function allWrites(): string[] {
  return fake.requests
    .filter(
      (entry) =>
        (entry.kind === 'rest-write' || entry.kind === 'graphql-write') && !entry.route.startsWith('POST /app/'),
    )
    .map((entry) => entry.route);
}

async function install(...names: string[]) {
  const delivery = await local.deliver('installation', installationCreated(names.map(repo)));
  await local.pinwarden.idle();
  return delivery;
}

describe('installation', () => {
  it('opens one pull request per repository with pins, dependabot.yml and a reviewer-ready body', async () => {
    await start((s) => {
      seedRepository(s, {
        fullName: 'octo-org/web',
        files: { '.github/workflows/ci.yml': WORKFLOW, 'README.md': 'web\n' },
      });
      seedRepository(s, {
        fullName: 'octo-org/api',
        files: {
          '.github/workflows/ci.yml':
            'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4.2.2\n',
          '.github/dependabot.yml':
            'version: 2\nupdates:\n  - package-ecosystem: npm # node deps\n    directory: "/"\n    schedule:\n      interval: daily\n',
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
    expect(ci).toMatch(
      new RegExp(`\\n      - uses: actions/checkout@${checkout}   # v4\\.\\d+\\.\\d+ fetch the code\\n`),
    );
    expect(ci).toMatch(
      new RegExp(`uses: 'actions/setup-node@${tagSha('actions/setup-node', 'v4')}' # v4\\.\\d+\\.\\d+\\n`),
    );
    expect(ci).toContain('      - uses: ./local-action\n');
    expect(ci).toContain('      - uses: nobody/missing-action@v1\n');
    // Every other byte is kept: the only differing lines are the two pinned ones.
    const changed = ci.split('\n').filter((line, index) => line !== WORKFLOW.split('\n')[index]);
    expect(changed).toHaveLength(2);
    expect(files.get('README.md')).toBe('web\n');
    expect(parse(files.get('.github/dependabot.yml')!).updates[0]).toMatchObject({
      'package-ecosystem': 'github-actions',
      directory: '/',
      schedule: { interval: 'weekly' },
      cooldown: { 'default-days': 7 },
    });
    // One commit on top of the default branch.
    const commit = web.git.commits.get(web.branches.get(PIN_BRANCH)!)!;
    expect(commit.parents).toEqual([web.branches.get('main')]);

    expect(pull!.body).toContain('### Why');
    expect(pull!.body).toContain(`https://github.com/actions/checkout/commit/${checkout}`);
    expect(pull!.body).toMatch(/releases\/tag\/v4\.\d+\.\d+/);
    expect(pull!.body).toContain('nobody/missing-action@v1');
    expect(pull!.body).toContain('### Left as they are');
    expect(renderedText(pull!.body)).toContain('Adds .github/dependabot.yml');

    // The already-pinned-by-tag repository gets its entry added to the existing dependabot.yml, byte for byte.
    const api = repo('api');
    expect(pullRequests(api)).toHaveLength(1);
    const dependabot = branchFiles(api).get('.github/dependabot.yml')!;
    expect(
      dependabot.startsWith(
        'version: 2\nupdates:\n  - package-ecosystem: npm # node deps\n    directory: "/"\n    schedule:\n      interval: daily\n  - package-ecosystem: github-actions\n',
      ),
    ).toBe(true);
  });

  it('answers the webhook at once and does the work in the queue, three writes per new pull request', async () => {
    await start((s) => {
      for (let index = 0; index < 3; index += 1)
        seedRepository(s, { fullName: `octo-org/svc-${index}`, files: { '.github/workflows/ci.yml': WORKFLOW } });
    });
    fake.setLatency(40);
    const delivery = await local.deliver('installation', installationCreated(['svc-0', 'svc-1', 'svc-2'].map(repo)));
    expect(delivery.status).toBe(200);
    // Answered before the first API call could have come back.
    expect(
      fake.requests.filter((entry) => entry.route !== 'POST /app/installations/{installation_id}/access_tokens').length,
    ).toBe(0);
    await local.pinwarden.idle();
    const { byRoute } = fake.counts();
    // The branch, one commit with every file, the pull request.
    expect(byRoute['POST /graphql (pinwardenPutBranch)']).toBe(3);
    expect(byRoute['POST /graphql (pinwardenCommit)']).toBe(3);
    expect(byRoute['POST /repos/{owner}/{repo}/pulls']).toBe(3);
    expect(contentWrites()).toHaveLength(9);
    // Beside the pull request: one code scanning upload (their findings) and one snapshot each.
    expect(
      allWrites()
        .filter((route) => REPORTS.includes(route))
        .sort(),
    ).toEqual([REPORTS[0], REPORTS[0], REPORTS[0], REPORTS[1], REPORTS[1], REPORTS[1]]);
    // Reads: the three repositories in one query, and their refs resolved together in one more.
    expect(byRoute['POST /graphql (pinwardenReadRepositories)']).toBe(1);
    expect(byRoute['POST /graphql (pinwardenReadRepository)']).toBeUndefined();
    expect(byRoute['POST /graphql (PinwardenRefs)']).toBe(1);
    // Pin-time trust: one releases call per action repository (checkout, setup-node, the missing one), shared by the three runs.
    const releases = byRoute['GET /repos/{owner}/{repo}/releases'] ?? 0;
    expect(releases).toBeGreaterThan(0);
    expect(releases).toBeLessThanOrEqual(3);
    expect(fake.counts().byKind['rest-read'] - releases).toBe(1); // the org's .github config, looked for once
  });

  it('pins composite actions at the root, under .github/actions and in top-level folders', async () => {
    const composite = (uses: string) =>
      `name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - uses: ${uses}\n`;
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/tools',
          files: {
            'action.yml': composite('actions/checkout@v4'),
            '.github/actions/setup/action.yaml': composite('actions/setup-node@v4'),
            'drafter/action.yml': composite('docker/login-action@v3'),
            'drafter/README.md': 'docs\n',
            'src/main.ts': 'export {};\n',
          },
        }),
    );
    await install('tools');
    const files = branchFiles(repo('tools'));
    expect(files.get('action.yml')).toMatch(/actions\/checkout@[0-9a-f]{40} # v4\./);
    expect(files.get('.github/actions/setup/action.yaml')).toMatch(/actions\/setup-node@[0-9a-f]{40} # v4\./);
    expect(files.get('drafter/action.yml')).toMatch(/docker\/login-action@[0-9a-f]{40} # v3\./);
    // Found by name in the batched read, its text read in one more query.
    expect(fake.counts().byRoute['POST /graphql (pinwardenReadManifests)']).toBe(1);
  });

  it('asks the installation for its repositories when the payload does not list them', async () => {
    await start((s) => {
      seedWeb(s);
      seedRepository(s, { fullName: 'octo-org/api', files: { '.github/workflows/ci.yml': WORKFLOW } });
    });
    const { repositories: _listed, ...payload } = installationCreated([repo('web'), repo('api')]);
    await local.deliver('installation', payload);
    await local.pinwarden.idle();
    expect(fake.counts().byRoute['GET /installation/repositories']).toBe(1);
    expect(pullRequests(repo('web'))).toHaveLength(1);
    expect(pullRequests(repo('api'))).toHaveLength(1);
  });

  it('repositories added to an installation later are scanned too, and only those', async () => {
    await start((s) => {
      seedWeb(s);
      seedRepository(s, { fullName: 'octo-org/api', files: { '.github/workflows/ci.yml': WORKFLOW } });
    });
    await local.deliver('installation_repositories', installationRepositoriesAdded([repo('api')]));
    await local.pinwarden.idle();
    expect(pullRequests(repo('api'))).toHaveLength(1);
    expect(pullRequests(repo('web'))).toHaveLength(0);
  });

  it('skips archived repositories, forks, empty repositories and those with nothing to pin', async () => {
    await start((s) => {
      seedRepository(s, { fullName: 'octo-org/old', files: { '.github/workflows/ci.yml': WORKFLOW }, archived: true });
      seedRepository(s, { fullName: 'octo-org/forked', files: { '.github/workflows/ci.yml': WORKFLOW }, fork: true });
      seedRepository(s, { fullName: 'octo-org/empty' });
      seedRepository(s, { fullName: 'octo-org/docs', files: { 'README.md': 'no workflows\n' } });
      seedRepository(s, {
        fullName: 'octo-org/local-only',
        files: {
          '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./here\n',
        },
      });
    });
    await install('old', 'forked', 'empty', 'docs', 'local-only');
    for (const name of ['old', 'forked', 'empty', 'docs', 'local-only'])
      expect(pullRequests(repo(name)), name).toHaveLength(0);
    // Nothing to pin, no finding, no action or image used: not even a report is sent.
    expect(allWrites()).toEqual([]);
  });
});

async function pushTo(name: string, changes: Record<string, string | null>) {
  const repository = repo(name);
  commitToBranch(repository, repository.defaultBranch, changes);
  const delivery = await local.deliver('push', push(repository, { modified: Object.keys(changes) }));
  await local.pinwarden.idle();
  return delivery;
}

async function command(
  name: string,
  user: { login: string; type: 'User' | 'Bot' },
  body = '/pinwarden pin',
  on?: FakeIssue,
) {
  const repository = repo(name);
  const issue = on ?? openIssue(repository, { title: 'Pin please', body: '', user });
  const comment = addComment(state, repository, { issueNumber: issue.number, body, user });
  await local.deliver(
    'issue_comment',
    issueCommentCreated(repository, { id: comment.id, issueNumber: issue.number, body, user }),
  );
  await local.pinwarden.idle();
  return {
    issue,
    comment,
    replies: () =>
      repository.comments.filter((entry) => entry.issueNumber === issue.number && entry.user.type === 'Bot'),
  };
}

const seedWeb = (s: FakeState) =>
  void seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': WORKFLOW } });

describe('push to the default branch', () => {
  it("a push that joins a waiting install run is planned on what it pushed, not on the install's earlier read", async () => {
    state = createFakeState(refs);
    seedWeb(state);
    fake = await startFakeGitHub({ state });
    const preReads = createPreReads();
    let kept!: () => void;
    const waveKept = new Promise<void>((resolve) => (kept = resolve));
    local = await startLocalApp(fake, {
      debounceMs: 400,
      preReads: {
        ...preReads,
        keep: async (...args) => {
          await preReads.keep(...args);
          kept();
        },
      },
    });
    const web = repo('web');
    await local.deliver('installation', installationCreated([web]));
    // The install's wave has read web and queued its run, which waits out the debounce.
    await waveKept;
    await pushTo('web', {
      '.github/workflows/release.yml':
        'on: push\njobs:\n  r:\n    runs-on: x\n    steps:\n      - uses: docker/login-action@v3\n',
    });
    expect(pullRequests(web)).toHaveLength(1);
    // One run for both events, on the pushed commit: the release workflow is pinned too.
    expect(branchFiles(web).get('.github/workflows/release.yml')).toMatch(/docker\/login-action@[0-9a-f]{40} # v3\./);
  });

  it('updates the open pull request instead of opening another', async () => {
    await start(seedWeb);
    await install('web');
    const web = repo('web');
    const firstHead = web.branches.get(PIN_BRANCH);
    await pushTo('web', {
      '.github/workflows/release.yml':
        'on: push\njobs:\n  r:\n    runs-on: x\n    steps:\n      - uses: docker/login-action@v3\n',
    });
    expect(pullRequests(web)).toHaveLength(1);
    expect(web.branches.get(PIN_BRANCH)).not.toBe(firstHead);
    const files = branchFiles(web);
    expect(files.get('.github/workflows/release.yml')).toMatch(/docker\/login-action@[0-9a-f]{40} # v3\./);
    // Rebased: the single commit sits on the new default-branch head.
    expect(web.git.commits.get(web.branches.get(PIN_BRANCH)!)!.parents).toEqual([web.branches.get('main')]);
    expect(pullRequests(web)[0]!.body).toContain('release.yml');
  });

  it('ignores pushes that touch no workflow and pushes to other branches', async () => {
    await start(seedWeb);
    const web = repo('web');
    commitToBranch(web, 'main', { 'README.md': 'hello\n' });
    await local.deliver('push', push(web, { modified: ['README.md'] }));
    await local.deliver('push', push(web, { modified: ['.github/workflows/ci.yml'] }, 'refs/heads/feature'));
    await local.pinwarden.idle();
    expect(fake.requests.filter((entry) => entry.kind === 'graphql')).toHaveLength(0);
    expect(pullRequests(web)).toHaveLength(0);
  });

  it('a redelivered webhook and pushes racing each other still leave exactly one pull request', async () => {
    await start(seedWeb, { concurrency: 4, debounceMs: 30 });
    const web = repo('web');
    const payload = push(web, { modified: ['.github/workflows/ci.yml'] });
    const deliveries = await Promise.all([
      local.deliver('push', payload, { deliveryId: 'same-guid' }),
      local.deliver('push', payload, { deliveryId: 'same-guid' }),
      ...Array.from({ length: 8 }, () => local.deliver('push', payload)),
    ]);
    expect(deliveries.map((delivery) => delivery.status)).toEqual(Array(10).fill(200));
    await local.pinwarden.idle();
    expect(pullRequests(web)).toHaveLength(1);
    // Ten events arriving together coalesce into one run, and at most one more for the events
    // that came during it: two snapshot reads at most. The audit reads the advisory database once.
    const queries = fake.requests.filter((entry) => entry.kind === 'graphql').map((entry) => entry.route);
    expect(queries.filter((route) => route.endsWith('(pinwardenReadRepository)')).length).toBeLessThanOrEqual(2);
    expect(queries.filter((route) => route.endsWith('(pinwardenAdvisories)'))).toHaveLength(1);
    // A later redelivery of the same event reads, finds everything current, and writes nothing.
    const writesBefore = allWrites().length;
    await local.deliver('push', payload, { deliveryId: 'same-guid' });
    await local.pinwarden.idle();
    expect(allWrites().length).toBe(writesBefore);
  });

  it('does not overwrite a commit a person pushed to the pinwarden branch, and says so once', async () => {
    await start(seedWeb);
    await install('web');
    const web = repo('web');
    const human = commitToBranch(web, PIN_BRANCH, { 'notes.txt': 'mine\n' }, 'my own change');
    await pushTo('web', { '.github/workflows/ci.yml': WORKFLOW.replace('actions/checkout@v4', 'actions/checkout@v3') });
    await pushTo('web', { '.github/workflows/ci.yml': WORKFLOW.replace('actions/checkout@v4', 'actions/checkout@v2') });
    expect(web.branches.get(PIN_BRANCH)).toBe(human);
    const notes = web.comments.filter((comment) => comment.body.includes('did not make'));
    expect(notes).toHaveLength(1);
    expect(pullRequests(web)).toHaveLength(1);
  });

  it('does not reopen a pull request closed without merge; the comment command does', async () => {
    await start(seedWeb);
    await install('web');
    const web = repo('web');
    const [pull] = pullRequests(web);
    pull!.state = 'closed';
    await pushTo('web', { '.github/workflows/ci.yml': WORKFLOW.replace('actions/checkout@v4', 'actions/checkout@v3') });
    expect(pull!.state).toBe('closed');
    expect(pullRequests(web)).toHaveLength(1);
    web.collaborators.set('maintainer', 'maintain');
    const { replies } = await command('web', { login: 'maintainer', type: 'User' });
    expect(pull!.state).toBe('open');
    expect(pullRequests(web)).toHaveLength(1);
    expect(branchFiles(web).get('.github/workflows/ci.yml')).toMatch(/actions\/checkout@[0-9a-f]{40} {3}# v3\./);
    expect(replies().at(-1)!.body).toMatch(
      /^@maintainer Pull request reopened: https:\/\/github.com\/octo-org\/web\/pull\/1/,
    );
  });
});

describe('the /pinwarden pin command', () => {
  it('runs for a writer: 👀 first, then a reply with the outcome and the pull request link', async () => {
    await start(seedWeb);
    repo('web').collaborators.set('dev', 'write');
    const { comment, replies } = await command(
      'web',
      { login: 'dev', type: 'User' },
      'Could we?\n/pinwarden pin\nthanks',
    );
    expect(comment.reactions).toEqual(['eyes']);
    expect(pullRequests(repo('web'))).toHaveLength(1);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body).toMatch(
      /^@dev Pull request created: https:\/\/github.com\/octo-org\/web\/pull\/\d+ \(2 pins, 1 left as they are\)\.$/,
    );
  });

  it('refuses a reader politely and does nothing else', async () => {
    await start(seedWeb);
    const { comment, replies } = await command('web', { login: 'passer-by', type: 'User' });
    expect(comment.reactions).toEqual([]);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]!.body).toContain('only people with write access');
    expect(pullRequests(repo('web'))).toHaveLength(0);
  });

  it('tells a reader once per issue; asking again there gets a reaction, never another post', async () => {
    await start(seedWeb);
    const reader = { login: 'passer-by', type: 'User' as const };
    const first = await command('web', reader);
    const later = [];
    for (let index = 0; index < 5; index += 1)
      later.push((await command('web', reader, '/pinwarden pin', first.issue)).comment);
    expect(first.replies()).toHaveLength(1);
    expect(later.map((comment) => comment.reactions)).toEqual(Array.from({ length: 5 }, () => ['confused']));
    // Another issue is another conversation: told there once too.
    expect((await command('web', reader)).replies()).toHaveLength(1);
  });

  it('does not run for a command a reader would not see as one', async () => {
    await start(seedWeb);
    repo('web').collaborators.set('dev', 'admin');
    for (const body of [
      '```\n/pinwarden pin\n```',
      '    /pinwarden pin',
      '<!--\n/pinwarden pin\n-->',
      '/pinwarden pin-foo',
      '> /pinwarden pin',
    ]) {
      await command('web', { login: 'dev', type: 'User' }, body);
    }
    expect(
      fake.requests.filter((entry) => entry.route !== 'POST /app/installations/{installation_id}/access_tokens'),
    ).toEqual([]);
  });

  it('ignores bots, the app itself included, and comments without the command', async () => {
    await start(seedWeb);
    await command('web', { login: 'renovate[bot]', type: 'Bot' });
    await command('web', { login: 'pinwarden[bot]', type: 'Bot' });
    repo('web').collaborators.set('dev', 'admin');
    await command('web', { login: 'dev', type: 'User' }, 'we should run `/pinwarden pin` some day');
    expect(
      fake.requests.filter((entry) => entry.route !== 'POST /app/installations/{installation_id}/access_tokens'),
    ).toEqual([]);
  });

  it('says when there is nothing to pin, and which files it could not read', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: {
            '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./local\n',
            '.github/workflows/bad.yml': 'jobs: [\n',
          },
        }),
    );
    repo('web').collaborators.set('dev', 'write');
    const { replies } = await command('web', { login: 'dev', type: 'User' });
    expect(replies()[0]!.body).toMatch(/^@dev Nothing to pin/);
    expect(renderedText(replies()[0]!.body)).toMatch(
      /Files left alone:\n\.github\/workflows\/bad\.yml: .+ at line \d+, column \d+\n/,
    );
  });
});

describe('failures converge', () => {
  it('a crash between the commit and the pull request: the next event opens it, once', async () => {
    await start(seedWeb);
    fake.injectFault({
      match: /^POST \/repos\/[^/]+\/[^/]+\/pulls$/,
      times: 10,
      response: { status: 500, body: { message: 'injected' } },
    });
    await install('web');
    const web = repo('web');
    expect(web.branches.has(PIN_BRANCH)).toBe(true);
    expect(pullRequests(web)).toHaveLength(0);
    fake.clearFaults();
    const commitsBefore = fake.counts().byRoute['POST /graphql (pinwardenCommit)'];
    await pushTo('web', { 'README.md': 'unrelated\n', '.github/workflows/ci.yml': WORKFLOW });
    expect(pullRequests(web)).toHaveLength(1);
    // The default branch moved, so the branch is rebuilt on it: one more commit, one pull request.
    expect(fake.counts().byRoute['POST /graphql (pinwardenCommit)']).toBe(commitsBefore! + 1);
  });

  it('502s and a secondary rate limit during a 20-repository install: every pull request opened, none twice', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `svc-${String(index).padStart(2, '0')}`);
    await start((s) => {
      for (const name of names)
        seedRepository(s, { fullName: `octo-org/${name}`, files: { '.github/workflows/ci.yml': WORKFLOW } });
    });
    fake.injectFault({ kind: 'graphql', times: 3, response: { status: 502, body: { message: 'Server Error' } } });
    fake.injectFault({
      operation: /^pinwardenCommit$/,
      times: 4,
      response: { status: 502, body: { message: 'Server Error' } },
    });
    fake.injectFault({ operation: /^pinwardenCreateBranch$/, times: 1, response: 'drop' });
    fake.injectFault({ match: /^POST .*\/pulls$/, times: 2, response: secondaryRateLimit(2) });
    await install(...names);
    for (const name of names) expect(pullRequests(repo(name)), name).toHaveLength(1);
    expect(fake.counts().byRoute['POST /repos/{owner}/{repo}/pulls']).toBe(22);
  });
});

describe('the branch is never taken from a person', () => {
  it('refuses to move the branch if someone pushed to it after the run read it (compare-and-swap)', async () => {
    await start(seedWeb);
    await install('web');
    const web = repo('web');
    const ours = web.branches.get(PIN_BRANCH)!;
    const human = commitToBranch(web, PIN_BRANCH, { 'notes.txt': 'mine\n' }, 'my change');
    const { writePullRequest } = await import('../../src/github/write-pull-request.js');
    const github = createTokenOctokit({
      token: 't',
      baseUrl: fake.url,
      msPerRetrySecond: 1,
    }) as unknown as GitHubClient;
    const repositoryId = Buffer.from('Repository:octo-org/web').toString('base64');
    const stale = writePullRequest(
      github,
      {
        owner: 'octo-org',
        name: 'web',
        repositoryId,
        defaultBranch: 'main',
        headSha: web.branches.get('main')!,
        branch: { id: 'unused', head: ours },
      },
      { kind: 'write', branch: 'update', pullRequest: { action: 'create' } },
      [{ message: 'm', changes: [{ path: 'x.txt', text: 'x\n' }] }],
      { title: 't', body: 'b' },
      [],
    );
    await expect(stale).rejects.toThrow(/not .*no refs were updated/);
    expect(web.branches.get(PIN_BRANCH)).toBe(human);
  });

  it('falls back to createRef on a GitHub Enterprise Server whose schema lacks updateRefs', async () => {
    await start(seedWeb);
    fake.injectFault({
      operation: /^pinwardenPutBranch$/,
      times: 1,
      response: { status: 200, body: { errors: [{ message: "Field 'updateRefs' doesn't exist on type 'Mutation'" }] } },
    });
    await install('web');
    expect(pullRequests(repo('web'))).toHaveLength(1);
    expect(fake.counts().byRoute['POST /graphql (pinwardenCreateBranch)']).toBe(1);
  });
});

describe('bad input', () => {
  it('a malformed workflow is left alone and named in the pull request with the parser message', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: {
            '.github/workflows/ci.yml': WORKFLOW,
            '.github/workflows/broken.yml': 'jobs:\n  a:\n    steps: [\n      - uses: actions/checkout@v4\n',
          },
        }),
    );
    await install('web');
    const web = repo('web');
    expect(branchFiles(web).get('.github/workflows/broken.yml')).toBe(
      'jobs:\n  a:\n    steps: [\n      - uses: actions/checkout@v4\n',
    );
    expect(renderedText(pullRequests(web)[0]!.body)).toMatch(
      /\.github\/workflows\/broken\.yml: not changed, pinwarden cannot read it: .+ at line \d+, column \d+\n/,
    );
  });

  it('binary and oversized workflow files are named in the pull request, not read or guessed at', async () => {
    const huge = `${WORKFLOW}${'# padding\n'.repeat(52_000)}`;
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: {
            '.github/workflows/ci.yml': WORKFLOW,
            '.github/workflows/blob.yml': 'on: push\u0000\u0001',
            '.github/workflows/huge.yml': huge,
          },
        }),
    );
    await install('web');
    const [pull] = pullRequests(repo('web'));
    expect(renderedText(pull!.body)).toContain('.github/workflows/blob.yml: not read: binary content');
    expect(renderedText(pull!.body)).toMatch(
      /\.github\/workflows\/huge\.yml: not read: larger than GitHub's 512,000-byte text limit \(\d+ bytes\)/,
    );
    expect(branchFiles(repo('web')).get('.github/workflows/huge.yml')).toBe(huge);
  });

  it('a malformed config stops the run for that repository and is reported on its pull request', async () => {
    await start(seedWeb);
    await install('web');
    const web = repo('web');
    const head = web.branches.get(PIN_BRANCH);
    await pushTo('web', {
      '.github/pinwarden.yml': 'ignore:\n  path: ["x"]\npull_request:\n  labels: security\n',
      '.github/workflows/ci.yml': WORKFLOW.replace('@v4', '@v3'),
    });
    expect(web.branches.get(PIN_BRANCH)).toBe(head);
    const report = web.comments.find((comment) => comment.body.includes('pinwarden.yml` is invalid'))!;
    expect(renderedText(report.body)).toContain('ignore: unknown key path (did you mean paths?)');
    expect(renderedText(report.body)).toContain('pull_request.labels:');
    await pushTo('web', { '.github/pinwarden.yml': ': : :\n  - [' });
    expect(web.comments.filter((comment) => comment.body.includes('is invalid'))).toHaveLength(2);
    expect(web.comments.at(-1)!.body).toContain('YAML error');
  });

  it('config: ignored paths and actions, owners allowed unpinned, labels, title and Dependabot off', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: {
            '.github/workflows/ci.yml': WORKFLOW,
            '.github/workflows/legacy.yml':
              'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n',
            '.github/pinwarden.yml':
              'ignore:\n  paths: [".github/workflows/legacy*.yml"]\n  actions: ["actions/setup-*"]\nallow_unpinned_owners: [Nobody]\ndependabot:\n  enabled: false\npull_request:\n  title: "chore: pin actions"\n  labels: [security]\n',
          },
        }),
    );
    await install('web');
    const web = repo('web');
    const [pull] = pullRequests(web);
    expect(pull!.title).toBe('chore: pin actions');
    expect(pull!.labels).toEqual(['security']);
    const files = branchFiles(web);
    expect(files.get('.github/workflows/legacy.yml')).toContain('actions/checkout@v4\n');
    expect(files.get('.github/workflows/ci.yml')).toContain("'actions/setup-node@v4'");
    expect(files.get('.github/workflows/ci.yml')).toContain('nobody/missing-action@v1');
    expect(files.has('.github/dependabot.yml')).toBe(false);
    expect(pull!.body).not.toContain('### Left as they are');
  });

  it('config falls back to the org .github repository and follows _extends', async () => {
    await start((s) => {
      seedRepository(s, {
        fullName: 'octo-org/.github',
        files: { '.github/pinwarden.yml': 'pull_request:\n  title: "org title"\n' },
      });
      seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': WORKFLOW } });
      seedRepository(s, {
        fullName: 'octo-org/api',
        files: {
          '.github/workflows/ci.yml': WORKFLOW,
          '.github/pinwarden.yml': '_extends: .github\npull_request:\n  labels: [deps]\n',
        },
      });
    });
    await install('web', 'api');
    expect(pullRequests(repo('web'))[0]!.title).toBe('org title');
    expect(pullRequests(repo('api'))[0]!.title).toBe('org title');
    expect(pullRequests(repo('api'))[0]!.labels).toEqual(['deps']);
  });

  it('a change to the org config in the .github repository is read afresh', async () => {
    await start((s) => {
      seedRepository(s, {
        fullName: 'octo-org/.github',
        files: { '.github/pinwarden.yml': 'pull_request:\n  title: "first"\n' },
      });
      seedWeb(s);
    });
    await install('web');
    expect(pullRequests(repo('web'))[0]!.title).toBe('first');
    await pushTo('.github', { '.github/pinwarden.yml': 'pull_request:\n  title: "second"\n' });
    await pushTo('web', { '.github/workflows/ci.yml': WORKFLOW.replace('actions/checkout@v4', 'actions/checkout@v3') });
    expect(pullRequests(repo('web'))).toHaveLength(1);
    expect(pullRequests(repo('web'))[0]!.title).toBe('second');
  });

  it.each([
    ['bad YAML', { '.github/pinwarden.yml': 'ignore: [\n' }, /YAML error: .+ at line \d+, column \d+$/m],
    ['a wrong type', { '.github/pinwarden.yml': 'pull_request:\n  labels: security\n' }, /pull_request\.labels: /],
    [
      'an alias bomb',
      {
        '.github/pinwarden.yml': `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from(
          { length: 12 },
          (_, index) =>
            `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [${Array(9)
              .fill(`*${String.fromCharCode(97 + index)}`)
              .join(',')}]`,
        ).join('\n')}\n`,
      },
      /YAML error: /,
    ],
    [
      'an _extends loop',
      { '.github/pinwarden.yml': '_extends: tools\n' },
      // pinwarden's own code span (`_extends`) renders as code, not as literal backticks.
      /[^`]_extends loops: octo-org\/tools:\.github\/pinwarden\.yml extends octo-org\/web:\.github\/pinwarden\.yml, which is already part of the chain/,
    ],
  ])(
    'an invalid config on first install (%s) is said in one attention issue, edited when it changes, closed when fixed',
    async (_name, files, problem) => {
      await start((s) => {
        seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': WORKFLOW, ...files } });
        seedRepository(s, { fullName: 'octo-org/tools', files: { '.github/pinwarden.yml': '_extends: web\n' } });
      });
      await install('web');
      const web = repo('web');
      expect(pullRequests(web)).toEqual([]);
      const issues = () => [...web.issues.values()].filter((issue) => !issue.pull);
      expect(issues()).toHaveLength(1);
      const [issue] = issues();
      expect(issue).toMatchObject({
        title: 'pinwarden: needs attention',
        state: 'open',
        labels: ['pinwarden'],
        user: { type: 'Bot' },
      });
      expect(renderedText(issue!.body)).toMatch(problem);
      expect(renderedText(issue!.body)).not.toContain('undefined');
      // The same problems again (a maintainer asks in the issue): the issue is not written again.
      web.collaborators.set('dev', 'write');
      fake.resetCounts();
      const { replies } = await command('web', { login: 'dev', type: 'User' }, '/pinwarden pin', issue);
      expect(renderedText(replies()[0]!.body)).toMatch(problem);
      expect(contentWrites().filter((route) => !route.includes('comments'))).toEqual([]);
      // Other problems: the same issue, edited.
      await pushTo('web', { '.github/pinwarden.yml': 'pull_request:\n  title: 7\n' });
      expect(issues()).toHaveLength(1);
      expect(renderedText(issue!.body)).toContain('pull_request.title: ');
      expect(renderedText(issue!.body)).not.toMatch(problem);
      // Fixed: the pull request opens and the issue is closed.
      await pushTo('web', { '.github/pinwarden.yml': 'pull_request:\n  labels: [security]\n' });
      expect(pullRequests(web)).toHaveLength(1);
      expect(issues()).toHaveLength(1);
      expect(issue!.state).toBe('closed');
    },
  );

  it('a workflow it cannot read, with nothing else to pin, is named in the attention issue; beside pins, in the pull request', async () => {
    const twoDocuments =
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n---\nmore: 1\n';
    await start((s) => {
      seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/two.yml': twoDocuments } });
      seedRepository(s, {
        fullName: 'octo-org/api',
        files: { '.github/workflows/two.yml': twoDocuments, '.github/workflows/ci.yml': WORKFLOW },
      });
    });
    await install('web', 'api');
    const [issue] = [...repo('web').issues.values()];
    expect(renderedText(issue!.body)).toContain(
      '.github/workflows/two.yml: several YAML documents in one file (the second starts at line 7)',
    );
    expect(renderedText(pullRequests(repo('api'))[0]!.body)).toContain(
      'Files left alone\n.github/workflows/two.yml: not changed, pinwarden cannot read it: several YAML documents',
    );
    expect([...repo('api').issues.values()].filter((entry) => !entry.pull)).toEqual([]);
  });

  it('audits what the repository runs: findings on top of the pull request, the serious ones in one issue, closed once gone', async () => {
    const compromised = WORKFLOW.replace(
      '      - uses: ./local-action\n',
      "      - uses: aquasecurity/trivy-action@ddb9da4475c1cef7d5389062bdfdfbdbd1394648\n        env: { TOKEN: '${{ secrets.DEPLOY_TOKEN }}' }\n",
    );
    await start(
      (s) => void seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': compromised } }),
    );
    await install('web');
    const web = repo('web');
    const [pull] = pullRequests(web);
    const body = renderedText(pull!.body);
    expect(body.indexOf('Security findings')).toBeLessThan(body.indexOf('Why'));
    expect(body).toMatch(
      /critical \.github\/workflows\/ci\.yml line 10 \(known-compromised\): aquasecurity\/trivy-action@ddb9da44\S+ is pinned to a known-compromised commit/,
    );
    const issues = () => [...web.issues.values()].filter((issue) => !issue.pull);
    expect(issues()).toHaveLength(1);
    const [issue] = issues();
    expect(issue).toMatchObject({ title: 'pinwarden: security findings', state: 'open', labels: ['pinwarden'] });
    const said = renderedText(issue!.body);
    expect(said).toContain(
      'Check the runs of .github/workflows/ci.yml from 2026-03-19T17:43:00Z to 2026-03-20T05:40:00Z UTC',
    );
    // GITHUB_TOKEN expires with its job: it is never named as a secret to rotate.
    expect(said).toContain('rotate it: DEPLOY_TOKEN, and any environment or organisation secret they reach');
    expect(said).not.toContain('GITHUB_TOKEN');
    // The same findings again: nothing written to the issue.
    fake.resetCounts();
    await pushTo('web', { 'README.md': 'x', '.github/workflows/ci.yml': `${compromised}# touched\n` });
    expect(contentWrites().filter((route) => route.includes('/issues'))).toEqual([]);
    // Other findings: the same issue, edited.
    const other = compromised.replace(
      'aquasecurity/trivy-action@ddb9da4475c1cef7d5389062bdfdfbdbd1394648',
      'tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67',
    );
    await pushTo('web', { '.github/workflows/ci.yml': other });
    expect(issues()).toHaveLength(1);
    expect(renderedText(issue!.body)).toContain('tj-actions/changed-files@0e58ed86');
    expect(renderedText(issue!.body)).not.toContain('trivy-action@ddb9da44');
    // The bad pin removed: the issue is closed.
    await pushTo('web', { '.github/workflows/ci.yml': WORKFLOW });
    expect(issues()).toHaveLength(1);
    expect(issue!.state).toBe('closed');
  });

  it('an organisation repository named tpcp-docs (the stealer\u2019s fallback) is a critical finding, asked once per installation', async () => {
    await start((s) => {
      seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': WORKFLOW } });
      seedRepository(s, { fullName: 'octo-org/api', files: { '.github/workflows/ci.yml': WORKFLOW } });
      seedRepository(s, { fullName: 'octo-org/tpcp-docs', files: { 'README.md': 'x' } });
    });
    await install('web', 'api');
    for (const name of ['web', 'api']) {
      const issue = [...repo(name).issues.values()].find(
        (entry) => !entry.pull && entry.title === 'pinwarden: security findings',
      );
      expect(renderedText(issue!.body)).toContain('the organisation has a repository named tpcp-docs');
    }
    expect(fake.requests.filter((entry) => entry.route.endsWith('(pinwardenExfiltrationRepositories)'))).toHaveLength(
      1,
    );
  });

  it('leaves workflows onboarded to actions.lock as they are, pins the others, audits the locked commits', async () => {
    const lock =
      "version: 'v0.0.2'\nworkflows:\n  .github/workflows/locked.yml:\n    - actions/checkout@v4\ndependencies:\n  aquasecurity/trivy-action@0.34.2:\n    ref: '0.34.2'\n    commit: 'sha1-ddb9da4475c1cef7d5389062bdfdfbdbd1394648'\n";
    const locked = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: {
            '.github/workflows/actions.lock': lock,
            '.github/workflows/locked.yml': locked,
            '.github/workflows/ci.yml': WORKFLOW,
          },
        }),
    );
    await install('web');
    const web = repo('web');
    const files = branchFiles(web);
    expect(files.get('.github/workflows/locked.yml')).toBe(locked);
    expect(files.get('.github/workflows/actions.lock')).toBe(lock);
    expect(files.get('.github/workflows/ci.yml')).not.toBe(WORKFLOW);
    const body = renderedText(pullRequests(web)[0]!.body);
    expect(body).toContain('Onboarded to .github/workflows/actions.lock, so left as they are');
    expect(body).toMatch(/critical \.github\/workflows\/actions\.lock line 6 \(known-compromised\)/);
  });

  it('were we hit: names the runs of the incident\u2019s hours whose workflow used the moved tag, and says when no run is recorded', async () => {
    const exposed =
      'on: push\njobs:\n  scan:\n    runs-on: x\n    steps:\n      - uses: aquasecurity/trivy-action@0.34.2\n';
    await start((s) => {
      seedRepository(s, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': exposed } });
      seedRepository(s, { fullName: 'octo-org/api', files: { '.github/workflows/ci.yml': exposed } });
    });
    const web = repo('web');
    const head = web.branches.get('main')!;
    web.runs.push(
      { id: 4701, path: '.github/workflows/ci.yml', headSha: head, createdAt: '2026-03-19T20:15:00Z' },
      { id: 4650, path: '.github/workflows/ci.yml', headSha: head, createdAt: '2026-03-18T09:00:00Z' },
    );
    await install('web', 'api');
    const issue = [...web.issues.values()].find(
      (entry) => !entry.pull && entry.title === 'pinwarden: security findings',
    );
    const said = renderedText(issue!.body);
    expect(said).toContain(
      'run 4701 (https://github.com/octo-org/web/actions/runs/4701), started 2026-03-19T20:15:00Z, used aquasecurity/trivy-action@0.34.2 while it pointed to malicious code',
    );
    expect(said).not.toContain('4650');
    // No run recorded in the window: no exposure claimed (the tag finding still stands).
    const api = [...repo('api').issues.values()].find(
      (entry) => !entry.pull && entry.title === 'pinwarden: security findings',
    );
    expect(renderedText(api!.body)).not.toMatch(/run \d+ \(/);
  });

  it('config extends the actions that must stay on a tag: left on it, and the audit asks for a full version', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: {
            '.github/workflows/ci.yml': WORKFLOW,
            '.github/pinwarden.yml': 'must_stay_on_tag: ["actions/setup-node"]\n',
          },
        }),
    );
    await install('web');
    const ci = branchFiles(repo('web')).get('.github/workflows/ci.yml')!;
    expect(ci).toContain("      - uses: 'actions/setup-node@v4'\n");
    expect(ci).not.toContain('actions/checkout@v4');
    expect(renderedText(pullRequests(repo('web'))[0]!.body)).toMatch(
      /Left on their tag\n\.github\/workflows\/ci\.yml line 8: actions\/setup-node@v4 refuses to run from a commit SHA \(configured in \.github\/pinwarden\.yml\), so it stays on its tag/,
    );
    expect(renderedText(pullRequests(repo('web'))[0]!.body)).toMatch(
      /medium \.github\/workflows\/ci\.yml line 8 \(must-stay-on-tag\): must stay on a full version tag/,
    );
  });

  it('a dependabot.yml that already has github-actions is untouched', async () => {
    const dependabot =
      'version: 2\nupdates:\n  - package-ecosystem: "github-actions"\n    directory: "/"\n    schedule: {interval: monthly}\n';
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/web',
          files: { '.github/workflows/ci.yml': WORKFLOW, '.github/dependabot.yml': dependabot },
        }),
    );
    await install('web');
    expect(branchFiles(repo('web')).get('.github/dependabot.yml')).toBe(dependabot);
    expect(pullRequests(repo('web'))[0]!.body).toContain('already has a `github-actions` entry');
  });

  it('refuses webhooks with a bad signature', async () => {
    await start(seedWeb);
    const delivery = await local.deliver('installation', installationCreated([repo('web')]), { secret: 'wrong' });
    expect(delivery.status).toBe(401);
    await local.pinwarden.idle();
    expect(pullRequests(repo('web'))).toHaveLength(0);
  });
});
