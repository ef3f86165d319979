// An install locates each workflow once: the wave's warm-up parses it, and the repository's run
// plans and audits from that same parse (issue 10: the App read, located and planned every file
// twice before the run's own verification).
import { describe, expect, it, vi } from 'vitest';
import { findRepository, pullRequests, seedRepository } from '../../src/fake-github/fake-state.js';
import { installationCreated } from '../../src/local-run/webhook-payloads.js';
import { useAppBench } from '../support/app-harness.js';
import type * as LocateModule from '../../src/workflow/locate-uses-sites.js';

const located = vi.hoisted(() => new Map<string, number>());
vi.mock('../../src/workflow/locate-uses-sites.js', async (importOriginal) => {
  const original = await importOriginal<typeof LocateModule>();
  return {
    ...original,
    locateUsesSites: (text: string, kind: Parameters<typeof original.locateUsesSites>[1]) => {
      located.set(text, (located.get(text) ?? 0) + 1);
      return original.locateUsesSites(text, kind);
    },
  };
});

const bench = useAppBench();

describe('an install', () => {
  it('locates each workflow once, for the warm-up, the plan and the audit together', async () => {
    const workflows = ['web', 'api'].map((name) => `name: ${name}\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n`);
    await bench.start((state) => {
      seedRepository(state, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': workflows[0]! } });
      seedRepository(state, { fullName: 'octo-org/api', files: { '.github/workflows/ci.yml': workflows[1]! } });
    });
    await bench.local.deliver('installation', installationCreated(['web', 'api'].map((name) => findRepository(bench.state, 'octo-org', name)!)));
    await bench.local.pinwarden.idle();
    expect(pullRequests(findRepository(bench.state, 'octo-org', 'web')!)).toHaveLength(1);
    expect(workflows.map((text) => located.get(text))).toEqual([1, 1]);
  });
});

describe('an install’s order', () => {
  it('runs the riskiest repositories first, whatever order the installation lists them in', async () => {
    const workflow = (uses: string) => `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n`;
    const repositories: [string, string][] = [
      ['only-pinned', 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683'],
      ['first-party', 'actions/checkout@v4'],
      ['third-party', 'docker/login-action@v3'],
      ['compromised', 'aquasecurity/trivy-action@0.28.0'],
    ];
    const ran: string[] = [];
    await bench.start(
      (state) => {
        for (const [name, uses] of repositories) seedRepository(state, { fullName: `octo-org/${name}`, files: { '.github/workflows/ci.yml': workflow(uses) } });
      },
      { concurrency: 1, dryRun: true, onOutcome: (repository) => ran.push(repository) },
    );
    await bench.local.deliver('installation', installationCreated(repositories.map(([name]) => findRepository(bench.state, 'octo-org', name)!)));
    await bench.local.pinwarden.idle();
    expect(ran).toEqual(['octo-org/compromised', 'octo-org/third-party', 'octo-org/first-party', 'octo-org/only-pinned']);
  });
});
