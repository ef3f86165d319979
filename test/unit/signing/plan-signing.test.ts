import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRefsDir } from '../../../src/cli/load-refs.js';
import { planSigning } from '../../../src/plan/plan-signing.js';
import { readImagePushes } from '../../../src/signing/image-pushes.js';
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

  it('signs two files of the same text each in its own file (their pushes are read once)', async () => {
    const paths = ['.github/workflows/a.yml', '.github/workflows/b.yml'];
    const plan = await planSigning(
      paths.map((path) => ({ path, text: TWO_PUSHES })),
      true,
      resolver,
    );
    expect(plan!.proposals.map((proposal) => [proposal.path, proposal.newStepId, proposal.outcome])).toEqual([
      [paths[0], 'image', 'written'],
      [paths[0], 'image-2', 'written'],
      [paths[1], 'image', 'written'],
      [paths[1], 'image-2', 'written'],
    ]);
    expect(plan!.changes.map((change) => change.path)).toEqual(paths);
    expect(plan!.changes[0]!.text).toBe(plan!.changes[1]!.text);
    expect(plan!.changes[0]!.text.match(/cosign sign --yes/g)).toHaveLength(2);
  });

  it('reads image pushes as the full parse does, a text read before included', () => {
    for (let read = 0; read < 2; read += 1)
      expect(readImagePushes(TWO_PUSHES)).toEqual(readImagePushes(TWO_PUSHES, { fastPath: false }));
  });
});
