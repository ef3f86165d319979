// A repository that calls a workflow of its organisation holding a tag GitHub's SHA policy
// refuses: its run asks for a pinning run there, and its pull request links that one.
import { describe, expect, it } from 'vitest';
import { findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { installationCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { useAppBench } from '../support/app-harness.js';
import { renderedText } from '../support/rendered.js';

const bench = useAppBench();

describe('called workflows of the organisation', () => {
  it('are pinned in their own pull request, which the caller’s links', async () => {
    let sharedHead = '';
    await bench.start((state) => {
      const shared = seedRepository(state, {
        fullName: 'octo-org/shared',
        files: {
          '.github/workflows/build.yml':
            'on: workflow_call\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
        },
      });
      sharedHead = shared.branches.get('main')!;
      seedRepository(state, {
        fullName: 'octo-org/app',
        files: {
          '.github/workflows/ci.yml': `on: push\njobs:\n  call:\n    uses: octo-org/shared/.github/workflows/build.yml@${sharedHead}\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n`,
        },
      });
    });
    const app = findRepository(bench.state, 'octo-org', 'app')!;
    // Only the caller is installed by name: the called repository's run is the caller's asking.
    await bench.local.deliver('installation', installationCreated([app]));
    await bench.local.pinwarden.idle();
    const [pull] = pullRequests(app);
    const body = renderedText(pull!.body);
    expect(body).toContain('Called workflows');
    expect(body).toContain('octo-org/shared: its pinning pull request');
    expect(pull!.body).toContain('/octo-org/shared/pulls?q=is%3Apr+head%3Apinwarden%2Fpin-actions');
    expect(pullRequests(findRepository(bench.state, 'octo-org', 'shared')!)).toHaveLength(1);
  });
});
