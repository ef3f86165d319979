import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRefsDir } from '../../../src/cli/load-refs.js';
import { planSigning } from '../../../src/plan/plan-signing.js';
import { createTableRefResolver } from '../../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../../src/resolve/types.js';
import { fixturesDir } from '../../support/paths.js';

let resolver: RefResolver;
beforeAll(async () => {
  resolver = createTableRefResolver(loadRefsDir(join(fixturesDir, 'demo', 'refs')));
});

const TWO_PUSHES = [
  'on: push',
  'permissions:',
  '  packages: write',
  'jobs:',
  '  images:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: docker/build-push-action@v6',
  '        with: {push: true, tags: ghcr.io/acme/api:1}',
  '      - run: echo between',
  '      - uses: docker/build-push-action@v6',
  '        with: {push: true, tags: ghcr.io/acme/worker:1}',
  '',
].join('\n');

describe('planSigning', () => {
  it('signs two pushes of one job, each by its own digest, in one edit of the file', async () => {
    const plan = await planSigning([{ path: '.github/workflows/release.yml', text: TWO_PUSHES }], true, resolver);
    expect(plan!.proposals.map((proposal) => [proposal.push.images, proposal.outcome])).toEqual([
      [['ghcr.io/acme/api'], 'written'],
      [['ghcr.io/acme/worker'], 'written'],
    ]);
    const steps = (parse(plan!.changes[0]!.text) as { jobs: { images: { steps: Record<string, unknown>[] } } }).jobs
      .images.steps;
    expect(steps.map((step) => step.id ?? step.run ?? step.uses)).toEqual([
      'image',
      expect.stringMatching(/^sigstore\/cosign-installer@[0-9a-f]{40}$/),
      'cosign sign --yes "ghcr.io/acme/api@${DIGEST}"\n',
      'echo between',
      'image-2',
      expect.stringMatching(/^sigstore\/cosign-installer@[0-9a-f]{40}$/),
      'cosign sign --yes "ghcr.io/acme/worker@${DIGEST}"\n',
    ]);
    expect((steps[2]!.env as { DIGEST: string }).DIGEST).toBe('${{ steps.image.outputs.digest }}');
    expect((steps[6]!.env as { DIGEST: string }).DIGEST).toBe('${{ steps.image-2.outputs.digest }}');
    expect(plan!.signers).toEqual([
      { path: '.github/workflows/release.yml', images: ['ghcr.io/acme/api'] },
      { path: '.github/workflows/release.yml', images: ['ghcr.io/acme/worker'] },
    ]);
  });

  it('says the installer could not be pinned rather than write it by tag', async () => {
    const nothing: RefResolver = {
      resolve: async (requests) =>
        new Map(
          requests.map((request) => [
            `${request.owner}/${request.repo}@${request.ref}`.toLowerCase() as never,
            { status: 'failed', reason: 'GitHub did not answer' },
          ]),
        ),
    };
    const plan = await planSigning([{ path: 'w.yml', text: TWO_PUSHES }], true, nothing);
    expect(plan!.changes).toEqual([]);
    expect(plan!.proposals[0]).toMatchObject({
      outcome: 'cannot',
      reason: expect.stringContaining('could not be pinned'),
    });
  });
});
