// Sign what you build, through the App: a release workflow pushes an image with
// docker/build-push-action and does not sign it. The pull request proposes cosign's keyless steps;
// with `images.propose_signing: true` they are written in a second commit on top of the pins, the
// installer pinned like any action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../src/images/registry/images-file.js';
import { parse } from 'yaml';
import { findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { installationCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { PIN_BRANCH } from '../../src/pull-request/render-pull-request.js';
import { useAppBench } from '../support/app-harness.js';
import { renderedText } from '../support/rendered.js';

const INSTALLER_SHA = '6f9f17788090df1f26f669e9d70d6ae9567deba6';
const RELEASE = [
  'name: release',
  'on:',
  '  push:',
  '    tags: ["v*"]',
  'permissions:',
  '  contents: read',
  '  packages: write',
  'jobs:',
  '  image:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - uses: docker/login-action@v3',
  '        with:',
  '          registry: ghcr.io',
  '          username: ${{ github.actor }}',
  '          password: ${{ secrets.GITHUB_TOKEN }}',
  '      - uses: docker/build-push-action@v6',
  '        with:',
  '          push: true',
  '          tags: ghcr.io/octo-org/app:${{ github.ref_name }}',
  '',
].join('\n');

const bench = useAppBench();
let registry: FakeRegistry;
beforeAll(async () => {
  registry = await startFakeRegistry({
    images: parseImagesFile(
      JSON.stringify({ images: { 'ghcr.io/octo-org/app:2.0': { digest: `sha256:${'2'.repeat(64)}` } } }),
    ),
  });
});
afterAll(() => registry.close());
const repo = (name: string): FakeRepository => findRepository(bench.state, 'octo-org', name)!;

async function installWith(config: string | undefined) {
  await bench.start(
    (state) =>
      void seedRepository(state, {
        fullName: 'octo-org/app',
        files: {
          '.github/workflows/release.yml': RELEASE,
          'deploy/app.yaml':
            'apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n    - {name: app, image: ghcr.io/octo-org/app:2.0}\n',
          ...(config ? { '.github/pinwarden.yml': config } : {}),
        },
      }),
    { images: { mirrors: [`*=${registry.url}/{registry}`] } },
  );
  await bench.local.deliver('installation', installationCreated([repo('app')]));
  await bench.local.pinwarden.idle();
  const app = repo('app');
  const head = app.branches.get(PIN_BRANCH)!;
  return { app, head, body: renderedText(pullRequests(app)[0]!.body) };
}

describe('signing steps through the App', () => {
  it('proposes the steps in the pull request and writes nothing of them without the config', async () => {
    const { app, head, body } = await installWith(undefined);
    // One commit: the pins.
    expect(app.git.commits.get(head)!.parents).toEqual([app.branches.get('main')]);
    expect(readCommitFiles(app.git, head).get('.github/workflows/release.yml')).not.toContain('cosign');
    expect(body).toContain('Sign what you build');
    expect(body).toMatch(
      /release\.yml job image \(line 18, build-push-action\) pushes ghcr\.io\/octo-org\/app: proposed below/,
    );
    expect(body).toContain(`uses: sigstore/cosign-installer@${INSTALLER_SHA} # v4.1.2`);
    expect(body).toContain('cosign sign --yes "ghcr.io/octo-org/app@${DIGEST}"');
    // Nothing signs yet: no signature policy for the cluster.
    expect(pullRequests(app)[0]!.body).not.toContain('pinwarden-verify-image-signatures');
  });

  it('with images.propose_signing, writes them in a second commit on top of the pins', async () => {
    const { app, head, body } = await installWith('images:\n  propose_signing: true\n');
    const signingCommit = app.git.commits.get(head)!;
    const pinsCommit = app.git.commits.get(signingCommit.parents[0]!)!;
    expect(pinsCommit.parents).toEqual([app.branches.get('main')]);
    expect(signingCommit.message).toMatch(/^Sign the images this repository's workflows push/);
    expect(signingCommit.message).toContain('Pinned-by: pinwarden');

    const pinned = readCommitFiles(app.git, signingCommit.parents[0]!).get('.github/workflows/release.yml')!;
    const signed = readCommitFiles(app.git, head).get('.github/workflows/release.yml')!;
    expect(pinned).not.toContain('cosign');
    expect(pinned).toMatch(/uses: docker\/build-push-action@[0-9a-f]{40} # v6/);
    // The signing commit adds exactly the steps, the id and the job's permissions to the pinned text.
    const workflow = parse(signed) as { jobs: { image: { permissions: unknown; steps: Record<string, unknown>[] } } };
    expect(workflow.jobs.image.permissions).toEqual({ contents: 'read', packages: 'write', 'id-token': 'write' });
    expect(workflow.jobs.image.steps.map((step) => step.uses ?? step.run)).toEqual([
      expect.stringMatching(/^actions\/checkout@[0-9a-f]{40}$/),
      expect.stringMatching(/^docker\/login-action@[0-9a-f]{40}$/),
      expect.stringMatching(/^docker\/build-push-action@[0-9a-f]{40}$/),
      `sigstore/cosign-installer@${INSTALLER_SHA}`,
      'cosign sign --yes "ghcr.io/octo-org/app@${DIGEST}"\n',
    ]);
    expect(signed).toContain(`uses: sigstore/cosign-installer@${INSTALLER_SHA} # v4.1.2\n`);
    expect(body).toContain('signing steps added in a commit of their own');
    // The cluster's policy checks the signature of the workflow that now signs.
    const policies = pullRequests(app)[0]!.body;
    expect(policies).toContain('name: pinwarden-verify-image-signatures');
    expect(policies).toContain(
      'subjectRegExp: ^(?:https://github\\.com/octo-org/app/\\.github/workflows/release\\.yml@refs/.+)$',
    );
    expect(policies).toContain('- ghcr.io/octo-org/app:*');
  });
});
