// An install parses each workflow once: the wave's warm-up parses it, and the repository's run
// plans, pins its images and audits from that same parse (issue 10: the App read, located and
// planned every file twice before the run's own verification, and the image pass parsed every
// workflow that names an image once more).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { startFakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../src/images/registry/images-file.js';
import { PIN_BRANCH } from '../../src/pull-request/render-pull-request.js';
import { installationCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { useAppBench } from '../support/app-harness.js';
import { fixturesDir } from '../support/paths.js';
import type * as TreeModule from '../../src/workflow/workflow-tree.js';
import type * as YamlImagesModule from '../../src/images/locate-yaml-images.js';

const parsed = vi.hoisted(() => new Map<string, number>());
const imageReads = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/workflow/workflow-tree.js', async (importOriginal) => {
  const original = await importOriginal<typeof TreeModule>();
  return {
    ...original,
    readWorkflowTree: (text: string, options?: Parameters<typeof original.readWorkflowTree>[1]) => {
      parsed.set(text, (parsed.get(text) ?? 0) + 1);
      return original.readWorkflowTree(text, options);
    },
  };
});
vi.mock('../../src/images/locate-yaml-images.js', async (importOriginal) => {
  const original = await importOriginal<typeof YamlImagesModule>();
  return {
    ...original,
    locateYamlImages: (...args: Parameters<typeof original.locateYamlImages>) => {
      if (args[1] === 'workflow') imageReads.count += 1;
      return original.locateYamlImages(...args);
    },
  };
});

const bench = useAppBench();
let registry: FakeRegistry;
beforeAll(async () => {
  registry = await startFakeRegistry({
    images: parseImagesFile(readFileSync(join(fixturesDir, 'images', 'registry.json'), 'utf8')),
  });
});
afterAll(() => registry.close());

describe('an install', () => {
  it('parses each workflow once, for the warm-up, the plan, its images and the audit together', async () => {
    const workflows = ['web', 'api'].map(
      (name) =>
        `name: ${name}\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    services:\n      db:\n        image: postgres:16.4\n    steps:\n      - uses: actions/checkout@v4\n`,
    );
    await bench.start(
      (state) => {
        seedRepository(state, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': workflows[0]! } });
        seedRepository(state, { fullName: 'octo-org/api', files: { '.github/workflows/ci.yml': workflows[1]! } });
      },
      { images: { mirrors: [`*=${registry.url}/{registry}`] } },
    );
    await bench.local.deliver(
      'installation',
      installationCreated(['web', 'api'].map((name) => findRepository(bench.state, 'octo-org', name)!)),
    );
    await bench.local.pinwarden.idle();
    const web = findRepository(bench.state, 'octo-org', 'web')!;
    expect(pullRequests(web)).toHaveLength(1);
    // Both the action and the images were pinned in the run …
    const pinned = readCommitFiles(web.git, web.branches.get(PIN_BRANCH)!).get('.github/workflows/ci.yml')!;
    expect(pinned).toMatch(/uses: actions\/checkout@[0-9a-f]{40}/);
    expect(pinned).toMatch(/container: node:20@sha256:[0-9a-f]{64}\n/);
    expect(pinned).toMatch(/image: postgres:16\.4@sha256:[0-9a-f]{64}\n/);
    // … from one parse of each workflow: none again for the plan, the images or the audit.
    expect(workflows.map((text) => parsed.get(text))).toEqual([1, 1]);
    expect(imageReads.count).toBe(0);
  });
});

describe('an install’s order', () => {
  it('runs the riskiest repositories first, whatever order the installation lists them in', async () => {
    const workflow = (uses: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n`;
    const repositories: [string, string][] = [
      ['only-pinned', 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683'],
      ['first-party', 'actions/checkout@v4'],
      ['third-party', 'docker/login-action@v3'],
      ['compromised', 'aquasecurity/trivy-action@0.28.0'],
    ];
    const ran: string[] = [];
    await bench.start(
      (state) => {
        for (const [name, uses] of repositories)
          seedRepository(state, {
            fullName: `octo-org/${name}`,
            files: { '.github/workflows/ci.yml': workflow(uses) },
          });
      },
      { concurrency: 1, dryRun: true, onOutcome: (repository) => ran.push(repository) },
    );
    await bench.local.deliver(
      'installation',
      installationCreated(repositories.map(([name]) => findRepository(bench.state, 'octo-org', name)!)),
    );
    await bench.local.pinwarden.idle();
    expect(ran).toEqual([
      'octo-org/compromised',
      'octo-org/third-party',
      'octo-org/first-party',
      'octo-org/only-pinned',
    ]);
  });
});
