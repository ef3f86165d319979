// The pull-request check end to end: the real server on loopback, signed pull_request and
// check_run webhooks, the fake GitHub's check runs, files list and createCommitOnBranch.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addRepository,
  findRepository,
  openPullRequest,
  pullHead,
  seedRepository,
  commitToBranch,
} from '../../src/dev/fake-github/fake-state.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { fixturesDir } from '../support/paths.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import {
  checkRunRequestedAction,
  installationCreated,
  pullRequestEvent,
} from '../../src/dev/local-run/webhook-payloads.js';
import { useAppBench } from '../support/app-harness.js';
import { startFakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../src/images/registry/images-file.js';
import type { ImageResolverSettings } from '../../src/app/image-resolvers.js';
import { renderedText } from '../support/rendered.js';

const PINNED_CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';
const WORKFLOW = [
  'name: ci',
  'on: [push]',
  'jobs:',
  '  build:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  `      - uses: ${PINNED_CHECKOUT}`,
  '      - uses: actions/setup-node@v4',
  '      - run: npm test',
  '',
].join('\n');
const DEVELOPER = { login: 'dev', type: 'User' as const };

const bench = useAppBench();

async function start(files: Record<string, string> = { '.github/workflows/ci.yml': WORKFLOW }) {
  await bench.start(
    (state) => void seedRepository(state, { fullName: 'octo-org/web', files }).collaborators.set('dev', 'write'),
  );
}

const web = (): FakeRepository => findRepository(bench.state, 'octo-org', 'web')!;
const tagSha = (repo: string, tag: string) =>
  bench.refs.find((entry) => entry.repo === repo)!.tags.find((entry) => entry.name === tag)!.sha;

/** The workflow with `lines` added after the checkout step. */
const withSteps = (...lines: string[]) =>
  WORKFLOW.replace(
    '      - uses: actions/setup-node@v4\n',
    `      - uses: actions/setup-node@v4\n${lines.map((line) => `      - uses: ${line}\n`).join('')}`,
  );

async function openPull(changes: Record<string, string | null>, options: { fork?: string } = {}) {
  const pull = openPullRequest(web(), { title: 'Add a step', head: 'feature', user: DEVELOPER, changes, ...options });
  await bench.local.deliver('pull_request', pullRequestEvent(web(), pull.number, 'opened'));
  await bench.local.pinwarden.idle();
  return pull;
}

const lastRun = () => web().checkRuns.at(-1)!;
const calls = () =>
  bench.fake.requests.filter((entry) => entry.route !== 'POST /app/installations/{installation_id}/access_tokens')
    .length;

describe('the pull-request check', () => {
  it('says why a flagged line cannot be pinned: no such tag, or no such repository', async () => {
    await start();
    await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v45', 'ghost-org/none@v1') });
    const run = lastRun();
    expect(run.conclusion).toBe('failure');
    const messages = run.annotations.map((annotation) => annotation.message);
    expect(messages).toEqual([
      expect.stringMatching(/Cannot be pinned: no tag, branch or commit named "v45" in actions\/setup-go/),
      expect.stringMatching(
        /Cannot be pinned: repository ghost-org\/none not found, or private and not shared with pinwarden/,
      ),
    ]);
    expect(renderedText(run.output.summary!)).toContain('Cannot be pinned: no tag, branch or commit named "v45"');
  });

  it('fails on the mutable reference the pull request adds, annotates its line only, and offers the button', async () => {
    await start();
    await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    const run = lastRun();
    expect(run.name).toBe('pinwarden');
    expect(run.headSha).toBe(web().branches.get('feature'));
    expect(run.conclusion).toBe('failure');
    // Line 9 is the new step; setup-node@v4 on line 8 was there before: summary only.
    expect(
      run.annotations.map((annotation) => [annotation.path, annotation.start_line, annotation.annotation_level]),
    ).toEqual([['.github/workflows/ci.yml', 9, 'failure']]);
    expect(run.annotations[0]!.title).toContain('actions/setup-go@v5');
    expect(run.actions.map((action) => action.identifier)).toEqual(['pin']);
    const summary = renderedText(run.output.summary!);
    // The pinning pull request's table: before, and the pin the button writes.
    expect(summary).toContain('File | Line | Before | After | Why');
    expect(summary).toMatch(
      new RegExp(
        `ci\\.yml \\| 9 \\| actions/setup-go@v5 \\| actions/setup-go@${tagSha('actions/setup-go', 'v5')} # v5\\.\\d+\\.\\d+ \\| high`,
      ),
    );
    expect(summary).toContain('1 other reference in these files is not pinned');
  });

  it('pins the flagged line when "Pin them" is pressed, and the next check passes', async () => {
    await start();
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    const run = lastRun();
    await bench.local.deliver('check_run', checkRunRequestedAction(web(), run, 'pin', [pull.number], DEVELOPER));
    await bench.local.pinwarden.idle();
    const head = web().branches.get('feature')!;
    expect(head).not.toBe(run.headSha);
    expect(web().git.commits.get(head)!.parents).toEqual([run.headSha]);
    const ci = readCommitFiles(web().git, head).get('.github/workflows/ci.yml')!;
    // Only the flagged line changes: setup-node@v4, not written by the pull request, stays.
    expect(ci).toBe(
      withSteps(`actions/setup-go@${tagSha('actions/setup-go', 'v5')} # ${ci.match(/# (v5\.\d+\.\d+)/)![1]}`),
    );
    expect(ci).toContain('      - uses: actions/setup-node@v4\n');
    expect(renderedText(web().checkRuns.find((entry) => entry.id === run.id)!.output.summary!)).toContain('pushed');

    await bench.local.deliver('pull_request', pullRequestEvent(web(), pull.number, 'synchronize'));
    await bench.local.pinwarden.idle();
    expect(lastRun().headSha).toBe(head);
    expect(lastRun().conclusion).toBe('success');
    expect(lastRun().annotations).toEqual([]);
  });

  it('fails on a tag pin-time trust holds, and "Pin them" pins the other flagged line, never that one', async () => {
    const hijacked = JSON.parse(
      readFileSync(join(fixturesDir, 'trust', 'refs', 'acme__hijacked.json'), 'utf8'),
    ) as RepoRefs;
    await bench.start((state) => {
      addRepository(state, hijacked);
      seedRepository(state, {
        fullName: 'octo-org/web',
        files: { '.github/workflows/ci.yml': WORKFLOW },
      }).collaborators.set('dev', 'write');
    });
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5', 'acme/hijacked@v1') });
    const run = lastRun();
    expect(run.conclusion).toBe('failure');
    const held = run.annotations.find((annotation) => annotation.start_line === 10);
    expect(held?.message).toMatch(/impostor-tag|no branch of acme\/hijacked holds/);
    await bench.local.deliver('check_run', checkRunRequestedAction(web(), run, 'pin', [pull.number], DEVELOPER));
    await bench.local.pinwarden.idle();
    const ci = readCommitFiles(web().git, web().branches.get('feature')!).get('.github/workflows/ci.yml')!;
    expect(ci).toContain(`actions/setup-go@${tagSha('actions/setup-go', 'v5')}`);
    expect(ci).toContain('      - uses: acme/hijacked@v1\n');
  });

  describe('never passes what it did not read', () => {
    const pinnedWorkflow = (n: number) =>
      `on: push\njobs:\n  a${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${PINNED_CHECKOUT}\n`;

    it('more than a hundred changed files: neutral, naming those it did not read', async () => {
      await start();
      const changes = Object.fromEntries(
        Array.from({ length: 101 }, (_, index) => [
          `.github/workflows/w${String(index).padStart(3, '0')}.yml`,
          pinnedWorkflow(index),
        ]),
      );
      await openPull(changes);
      expect(lastRun().conclusion).toBe('neutral');
      expect(renderedText(lastRun().output.summary!)).toMatch(
        /Not read in full, so this check cannot pass them: \.github\/workflows\/w100\.yml \(beyond the 100 files a check reads\)/,
      );
    });

    it('a file GitHub sends no patch for (past its diff budget) counts as written in full', async () => {
      const big = (word: string) => Array.from({ length: 20_100 }, (_, index) => `${word} ${index}`).join('\n');
      await start({ '.github/workflows/ci.yml': WORKFLOW, '.github/data.txt': 'old\n' });
      // The data file's patch fills GitHub's budget; the workflow listed after it comes without a patch.
      await openPull({ '.github/data.txt': big('new'), '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
      const files = (await (await fetch(`${bench.fake.url}/repos/octo-org/web/pulls/1/files?per_page=100`)).json()) as {
        filename: string;
        patch?: string;
      }[];
      expect(files.map((file) => [file.filename, file.patch === undefined])).toEqual([
        ['.github/data.txt', false],
        ['.github/workflows/ci.yml', true],
      ]);
      expect(lastRun().conclusion).toBe('failure');
      // Both mutable references are blamed: nothing says which lines the pull request wrote.
      expect(lastRun().annotations.map((annotation) => [annotation.path, annotation.start_line])).toEqual([
        ['.github/workflows/ci.yml', 8],
        ['.github/workflows/ci.yml', 9],
      ]);
    });

    it('a pure rename into .github/workflows is checked in full', async () => {
      const moved =
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n';
      await start({ '.github/workflows/ci.yml': WORKFLOW, 'drafts/deploy.yml': moved });
      await openPull({ 'drafts/deploy.yml': null, '.github/workflows/deploy.yml': moved });
      const files = (await (await fetch(`${bench.fake.url}/repos/octo-org/web/pulls/1/files`)).json()) as {
        filename: string;
        status: string;
        patch?: string;
      }[];
      expect(files).toMatchObject([
        { filename: '.github/workflows/deploy.yml', status: 'renamed', previous_filename: 'drafts/deploy.yml' },
      ]);
      expect(lastRun().conclusion).toBe('failure');
      expect(lastRun().annotations.map((annotation) => annotation.start_line)).toEqual([6]);
    });

    it('a workflow over 512,000 bytes, which GitHub truncates, is not passed', async () => {
      await start();
      await openPull({ '.github/workflows/huge.yml': `${pinnedWorkflow(1)}${'# padding\n'.repeat(60_000)}` });
      expect(lastRun().conclusion).toBe('neutral');
      expect(renderedText(lastRun().output.summary!)).toContain(
        '.github/workflows/huge.yml (larger than GitHub gives in one read)',
      );
    });

    it("a chart's changed values.yaml is read for images", async () => {
      const registry = await startFakeRegistry({
        images: parseImagesFile(
          JSON.stringify({
            images: {
              'docker.io/library/nginx:1.27.0': {
                digest: `sha256:${'2'.repeat(64)}`,
                mediaType: 'application/vnd.oci.image.index.v1+json',
              },
            },
          }),
        ),
      });
      try {
        await bench.start(
          (state) =>
            void seedRepository(state, {
              fullName: 'octo-org/web',
              files: {
                'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
                'charts/app/values.yaml': 'image:\n  repository: nginx\n  tag: "1.26.0"\n',
              },
            }).collaborators.set('dev', 'write'),
          { images: { mirrors: [`*=${registry.url}/{registry}`] } },
        );
        await openPull({
          'charts/app/values.yaml': 'image:\n  repository: docker.io/library/nginx\n  tag: "1.27.0"\n',
        });
        expect(lastRun().conclusion).not.toBe('success');
        expect(lastRun().annotations.map((annotation) => annotation.path)).toEqual(['charts/app/values.yaml']);
      } finally {
        await registry.close();
      }
    });
  });

  it("writes its check run whatever the text: a 70,000-character line is cut to GitHub's limits and said to be cut", async () => {
    await start();
    const long = `actions/setup-go@v5-${'x'.repeat(70_000)}`;
    await openPull({ '.github/workflows/ci.yml': withSteps(long, `acme/${'y'.repeat(70_000)}@v1`) });
    const run = lastRun();
    expect(run.conclusion).toBe('failure');
    expect(run.output.summary!.length).toBeLessThanOrEqual(65_535);
    expect(run.annotations.length).toBeGreaterThan(0);
    for (const annotation of run.annotations) {
      expect(annotation.message.length).toBeLessThanOrEqual(65_535);
      expect((annotation.title ?? '').length).toBeLessThanOrEqual(255);
    }
  });

  it('takes the button away once it pinned; pressed again it says the lines are pinned already, not that the branch moved', async () => {
    await start();
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    const run = lastRun();
    const press = async () => {
      await bench.local.deliver('check_run', checkRunRequestedAction(web(), run, 'pin', [pull.number], DEVELOPER));
      await bench.local.pinwarden.idle();
      return web().checkRuns.find((entry) => entry.id === run.id)!;
    };
    const first = await press();
    expect(first.output.title).toBe('Pinned');
    expect(first.actions).toEqual([]);
    const head = web().branches.get('feature');
    const second = await press();
    expect(second.output.title).toBe('Already pinned');
    expect(web().branches.get('feature')).toBe(head);
  });

  it('tells someone without write access who pressed the button why nothing happened', async () => {
    await start();
    web().collaborators.set('reader', 'read');
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    const run = lastRun();
    await bench.local.deliver(
      'check_run',
      checkRunRequestedAction(web(), run, 'pin', [pull.number], { login: 'reader', type: 'User' }),
    );
    await bench.local.pinwarden.idle();
    const after = web().checkRuns.find((entry) => entry.id === run.id)!;
    expect(after.output.title).toBe('Not pinned: write access needed');
    expect(renderedText(after.output.summary!)).toContain('reader has read');
    expect(after.actions.map((action) => action.identifier)).toEqual(['pin']);
    expect(web().branches.get('feature')).toBe(run.headSha);
  });

  it('refuses to push when the branch moved after the check, and says so on the run', async () => {
    await start();
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    const run = lastRun();
    const moved = commitToBranch(web(), 'feature', { 'README.md': 'more\n' });
    await bench.local.deliver('check_run', checkRunRequestedAction(web(), run, 'pin', [pull.number], DEVELOPER));
    await bench.local.pinwarden.idle();
    expect(web().branches.get('feature')).toBe(moved);
    expect(web().checkRuns.find((entry) => entry.id === run.id)!.output.title).toBe('The branch moved');
  });

  it('ignores the button from someone who cannot write', async () => {
    await start();
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    const run = lastRun();
    await bench.local.deliver(
      'check_run',
      checkRunRequestedAction(web(), run, 'pin', [pull.number], { login: 'stranger', type: 'User' }),
    );
    await bench.local.pinwarden.idle();
    expect(web().branches.get('feature')).toBe(run.headSha);
  });

  it('shows a fork the replacement lines instead of a button', async () => {
    await start();
    await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') }, { fork: 'someone/web' });
    const run = lastRun();
    expect(run.headSha).toBe(pullHead(web(), web().issues.get(1)!.pull!));
    expect(run.conclusion).toBe('failure');
    expect(run.actions).toEqual([]);
    expect(run.output.text).toContain(`      - uses: actions/setup-go@${tagSha('actions/setup-go', 'v5')} # v5.`);
    expect(run.annotations[0]!.raw_details).toContain(`actions/setup-go@${tagSha('actions/setup-go', 'v5')}`);
  });

  it('is neutral when the config says so, and passes a pull request that touches no workflow', async () => {
    await start({ '.github/workflows/ci.yml': WORKFLOW, '.github/pinwarden.yml': 'check:\n  conclusion: neutral\n' });
    const pull = await openPull({ '.github/workflows/ci.yml': withSteps('actions/setup-go@v5') });
    expect(lastRun().conclusion).toBe('neutral');
    commitToBranch(web(), 'feature', { '.github/workflows/ci.yml': WORKFLOW, 'README.md': 'docs\n' });
    const before = calls();
    await bench.local.deliver('pull_request', pullRequestEvent(web(), pull.number, 'synchronize'));
    await bench.local.pinwarden.idle();
    expect(lastRun().conclusion).toBe('success');
    expect(lastRun().output.title).toContain('Nothing to pin');
    expect(lastRun().output.summary).toContain('changes no workflow, action or image file');
    // The files list and the check run: nothing else to read.
    expect(calls() - before).toBe(2);
  });

  it('sends annotations 50 to a request, as GitHub requires', async () => {
    await start();
    const steps = Array.from({ length: 60 }, (_, index) => `acme/tool-${index}@v1`);
    await openPull({ '.github/workflows/ci.yml': withSteps(...steps) });
    const run = lastRun();
    expect(run.annotations).toHaveLength(60);
    expect(run.writes).toEqual([50, 10]);
  });

  it('costs three API calls for a pull request touching a few files once the installation has resolved its refs', async () => {
    await start();
    await bench.local.deliver('installation', installationCreated([web()]));
    await bench.local.pinwarden.idle();
    const before = calls();
    await openPull({
      '.github/workflows/ci.yml': withSteps('actions/setup-node@v4'),
      '.github/workflows/lint.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n',
    });
    expect(lastRun().conclusion).toBe('failure');
    expect(lastRun().annotations).toHaveLength(2);
    // The files list, one GraphQL read of the texts and the config, the check run.
    expect(bench.fake.requests.slice(-(calls() - before)).map((entry) => entry.route)).toEqual([
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
      'POST /graphql (pinwardenReadObjects)',
      'POST /repos/{owner}/{repo}/check-runs',
    ]);
  });

  /**
   * The web repository with its workflow (and `files`), images on, node:20 served at `digest` by a
   * loopback registry; `images` adds to the App's image settings.
   */
  async function startWithNode20(
    digest: string,
    extra: { files?: Record<string, string>; images?: Omit<ImageResolverSettings, 'mirrors'> } = {},
  ) {
    const registry = await startFakeRegistry({
      images: parseImagesFile(
        JSON.stringify({
          images: { 'docker.io/library/node:20': { digest, mediaType: 'application/vnd.oci.image.index.v1+json' } },
        }),
      ),
    });
    await bench.start(
      (state) =>
        void seedRepository(state, {
          fullName: 'octo-org/web',
          files: { '.github/workflows/ci.yml': WORKFLOW, ...extra.files },
        }),
      { images: { mirrors: [`*=${registry.url}/{registry}`], ...extra.images } },
    );
    return registry;
  }

  it('annotates the build argument a FROM reads at its ARG line, and fails an ARG without a default', async () => {
    const registry = await startWithNode20(`sha256:${'2'.repeat(64)}`);
    try {
      await openPull({
        'app/Dockerfile': 'ARG BASE=node:20\nFROM ${BASE} AS build\nRUN npm ci\n',
        'tools/Dockerfile': 'ARG TOOL\nFROM ${TOOL}\n',
      });
      const run = lastRun();
      expect(run.conclusion).toBe('failure');
      expect(run.annotations.map((annotation) => [annotation.path, annotation.start_line])).toEqual([
        ['app/Dockerfile', 1],
        ['tools/Dockerfile', 2],
      ]);
      expect(run.annotations[0]!.raw_details).toContain(`ARG BASE=node:20@sha256:${'2'.repeat(64)}`);
      expect(run.annotations[1]!.message).toContain('TOOL has no default');
    } finally {
      await registry.close();
    }
  });

  it('never suggests (nor pushes) a digest images.verify refuses for want of a signature', async () => {
    const digest = `sha256:${'3'.repeat(64)}`;
    const registry = await startWithNode20(digest, {
      files: {
        '.github/pinwarden.yml':
          'images:\n  verify:\n    - {image: "docker.io/library/*", identity: ".*", issuer: "https://token.actions.githubusercontent.com"}\n',
      },
      images: { signatures: async () => 'no trusted root in this test' },
    });
    try {
      await openPull(
        {
          'deploy/pod.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: node:20\n',
        },
        { fork: 'someone/web' },
      );
      const run = lastRun();
      expect(run.annotations.map((annotation) => [annotation.path, annotation.start_line])).toEqual([
        ['deploy/pod.yaml', 6],
      ]);
      // The image is flagged, but its unsigned digest is offered nowhere.
      expect(run.output.text ?? '').not.toContain(digest);
      expect(JSON.stringify(run.annotations)).not.toContain(digest);
    } finally {
      await registry.close();
    }
  });

  it('annotates an unpinned image the pull request adds, and a fork sees its digest', async () => {
    const registry = await startWithNode20(`sha256:${'1'.repeat(64)}`);
    try {
      await openPull(
        {
          'deploy/pod.yaml': 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: node:20\n',
        },
        { fork: 'someone/web' },
      );
      const run = lastRun();
      expect(run.conclusion).toBe('failure');
      expect(run.annotations.map((annotation) => [annotation.path, annotation.start_line])).toEqual([
        ['deploy/pod.yaml', 6],
      ]);
      expect(run.output.text).toContain(`      image: node:20@sha256:${'1'.repeat(64)}`);
    } finally {
      await registry.close();
    }
  });
});
