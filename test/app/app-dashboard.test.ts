// The organisation dashboard end to end: one issue in the organisation's `.github` repository,
// created on the install, edited in place only when its text changes.
import { describe, expect, it, vi } from 'vitest';
import { findRepository, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { installationCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { OrgDashboards } from '../../src/jobs/org-dashboard.js';
import { createMemoryDashboardStore } from '../../src/dashboard/dashboard-store.js';
import type { GitHubClient } from '../../src/github/github-client.js';
import { useAppBench } from '../support/app-harness.js';
import { linkUrls, renderedText } from '../support/rendered.js';

const bench = useAppBench();

const workflow = (uses: string) =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n`;
const repo = (name: string): FakeRepository => findRepository(bench.state, 'octo-org', name)!;
const dashboardIssues = () =>
  [...repo('.github').issues.values()].filter((issue) => issue.title === 'pinwarden: organisation status');

describe('the organisation dashboard', () => {
  it('says the rollout, the serious findings and the Dependabot gaps in one issue of the .github repository, edited only when it changes', async () => {
    await bench.start(
      (state) => {
        seedRepository(state, { fullName: 'octo-org/.github', files: { 'README.md': 'org\n' } });
        seedRepository(state, {
          fullName: 'octo-org/web',
          files: { '.github/workflows/ci.yml': workflow('actions/checkout@v4') },
        });
        seedRepository(state, {
          fullName: 'octo-org/scanner',
          files: { '.github/workflows/scan.yml': workflow('aquasecurity/trivy-action@0.34.0') },
        });
        seedRepository(state, { fullName: 'octo-org/docs', files: { 'README.md': 'docs\n' } });
        seedRepository(state, { fullName: 'octo-org/old', files: { 'README.md': 'x\n' }, archived: true });
      },
      { dashboard: {} },
    );
    await bench.local.deliver(
      'installation',
      installationCreated(['.github', 'web', 'scanner', 'docs', 'old'].map(repo)),
    );
    await bench.local.pinwarden.idle();

    const [issue] = dashboardIssues();
    expect(dashboardIssues()).toHaveLength(1);
    const text = renderedText(issue!.body);
    expect(text).toContain('5 of 5 repositories read; 0 queued');
    // web gets a pull request; scanner's only action is a compromised tag, refused, so nothing is pinned there.
    expect(text).toMatch(/pull request open \| 1/);
    expect(text).toMatch(/nothing to pin \| 3/);
    expect(text).toMatch(/skipped \(archived, fork or empty\) \| 1/);
    expect(text).toMatch(
      /octo-org\/scanner: high \.github\/workflows\/scan\.yml:6 known-compromised \(the findings issue, code scanning\)/,
    );
    // The repository, its file and line, and its findings issue are links.
    const links = linkUrls(issue!.body);
    expect(links).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/octo-org\/scanner$/),
        expect.stringMatching(/\/octo-org\/scanner\/blob\/HEAD\/\.github\/workflows\/scan\.yml#L6$/),
        expect.stringMatching(/\/octo-org\/scanner\/issues\/\d+$/),
      ]),
    );
    // web's open pull request adds its entries: the rollout says so, the Dependabot section does not repeat it.
    expect(text).toContain('None beyond the open pinning pull requests, which add the entries.');
    expect(text).not.toContain('Edited at most every 10 minutes');
    expect(issue!.labels).toEqual(['pinwarden']);

    // Nothing changed: a second flush writes nothing.
    const writes = () =>
      bench.fake.requests.filter(
        (entry) =>
          entry.route.startsWith('PATCH /repos/{owner}/{repo}/issues/') ||
          entry.route === 'POST /repos/{owner}/{repo}/issues',
      ).length;
    const before = writes();
    await bench.local.pinwarden.idle();
    expect(writes()).toBe(before);
  });
});

describe('OrgDashboards pacing', () => {
  it('writes at most once per interval, with the newest bench.state, and only when it changed', async () => {
    vi.useFakeTimers();
    try {
      const calls: string[] = [];
      // The issue as GitHub keeps it: the dashboard looks it up before each write.
      const issues: { number: number; body: string; author: { __typename: string } }[] = [];
      const github = {
        rest: {
          repos: { get: async () => ({ data: {} }) },
          issues: {
            createLabel: async () => ({}),
            create: async (input: { body: string }) => (
              calls.push(`create ${input.body.includes('2 of') ? 'two' : 'one'}`),
              issues.push({ number: 7, body: input.body, author: { __typename: 'Bot' } }),
              { data: { number: 7 } }
            ),
            update: async (input: { body: string }) => (
              calls.push(`update ${input.body.includes('2 of') ? 'two' : 'one'}`),
              (issues[0]!.body = input.body),
              { data: {} }
            ),
          },
        },
        graphql: async () => ({ repository: { issues: { nodes: issues } } }),
      } as unknown as GitHubClient;
      const boards = new OrgDashboards({ intervalMs: 600_000, log: { info: () => undefined, warn: () => undefined } });
      const status = (repository: string) => ({
        repository,
        state: 'nothing-to-pin' as const,
        serious: [],
        dependabot: 'not-needed' as const,
      });
      boards.record(1, github, 'octo-org', status('octo-org/a'), async () => 0);
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toEqual(['create one']);
      boards.record(1, github, 'octo-org', status('octo-org/b'), async () => 0);
      await vi.advanceTimersByTimeAsync(599_000);
      expect(calls).toEqual(['create one']);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(calls).toEqual(['create one', 'update two']);
      boards.record(1, github, 'octo-org', status('octo-org/b'), async () => 0);
      await vi.advanceTimersByTimeAsync(600_000);
      expect(calls).toEqual(['create one', 'update two']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('dashboard boards across installations', () => {
  const status = (repository: string) => ({
    repository,
    state: 'nothing-to-pin' as const,
    serious: [],
    dependabot: 'not-needed' as const,
  });

  it('the in-process store keeps the most recently used boards and lets the quietest go', async () => {
    const store = createMemoryDashboardStore(2);
    await store.record(1, status('one/a'));
    await store.record(2, status('two/a'));
    await store.read(1); // 1 is used again: 2 is now the quietest
    await store.record(3, status('three/a'));
    expect((await store.read(1)).statuses.map((one) => one.repository)).toEqual(['one/a']);
    expect((await store.read(3)).statuses.map((one) => one.repository)).toEqual(['three/a']);
    // 2 was let go: it starts again from nothing.
    expect(await store.read(2)).toEqual({ statuses: [], repositories: 0 });
  });

  it('OrgDashboards keeps a bounded number of idle boards, never one with a write waiting', async () => {
    const github = {
      rest: { repos: { get: async () => ({ data: {} }) }, issues: {} },
      graphql: async () => ({ repository: null }),
    } as unknown as GitHubClient;
    const store = createMemoryDashboardStore();
    const forgotten: number[] = [];
    const boards = new OrgDashboards({
      intervalMs: 600_000,
      log: { info: () => undefined, warn: () => undefined },
      kept: 3,
      store: { ...store, forget: async (id) => void forgotten.push(id) },
    });
    for (let id = 1; id <= 10; id += 1) boards.know(id, github, `org-${id}`, [`org-${id}/a`], async () => 0);
    await boards.flush();
    expect(boards.boardsHeld()).toBe(3);
    // Letting a board go is not forgetting the installation: its facts stay in the store.
    expect(forgotten).toEqual([]);
  });
});
