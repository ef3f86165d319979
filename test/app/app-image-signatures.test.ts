// Image signatures through the App, on loopback: the registry holds one image signed by the
// organisation's release workflow, one signed by someone else and one unsigned; with `images.verify`
// naming the organisation's images, only the first gets its digest written, the pull request says
// who signed each and why the others were refused, and the findings issue carries the high findings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { startFakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import { startSigstoreAuthority } from '../../src/dev/fake-registry/sigstore-authority.js';
import type { SigstoreAuthority } from '../../src/dev/fake-registry/sigstore-authority.js';
import { installationCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { parseImagesFile } from '../../src/images/registry/images-file.js';
import { PIN_BRANCH } from '../../src/pull-request/render-pull-request.js';
import { imageBundleVerifier } from '../../src/sigstore/verify-image-bundle.js';
import { useAppBench } from '../support/app-harness.js';
import { renderedText } from '../support/rendered.js';

const RELEASE = 'https://github.com/octo-org/app/.github/workflows/release.yml@refs/heads/main';
const digestOf = (n: number) => `sha256:${String(n).repeat(64)}`;
const IMAGES = parseImagesFile(
  JSON.stringify({
    images: {
      'ghcr.io/octo-org/app:2.0': { digest: digestOf(1) },
      'ghcr.io/octo-org/worker:2.0': { digest: digestOf(2) },
      'ghcr.io/octo-org/cron:2.0': { digest: digestOf(3) },
      'docker.io/library/redis:7.4': { digest: digestOf(4) },
    },
  }),
);
const CONFIG = [
  'images:',
  '  verify:',
  '    - image: "ghcr.io/octo-org/*"',
  '      identity: "https://github\\\\.com/octo-org/[^/]+/\\\\.github/workflows/release\\\\.yml@refs/heads/main"',
  '      issuer: https://token.actions.githubusercontent.com',
  '',
].join('\n');
const MANIFEST = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: app}',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: ghcr.io/octo-org/app:2.0',
  '        - name: worker',
  '          image: ghcr.io/octo-org/worker:2.0',
  '        - name: cron',
  '          image: ghcr.io/octo-org/cron:2.0',
  '        - name: cache',
  '          image: redis:7.4',
  '',
].join('\n');

const bench = useAppBench();
const repo = (name: string): FakeRepository => findRepository(bench.state, 'octo-org', name)!;
let authority: SigstoreAuthority;
let registry: FakeRegistry;

beforeAll(async () => {
  authority = await startSigstoreAuthority();
  registry = await startFakeRegistry({
    images: IMAGES,
    signatures: [
      {
        name: 'ghcr.io/octo-org/app',
        digest: digestOf(1),
        bundles: [await authority.signImage('ghcr.io/octo-org/app', digestOf(1), RELEASE)],
      },
      {
        name: 'ghcr.io/octo-org/worker',
        digest: digestOf(2),
        bundles: [
          await authority.signImage(
            'ghcr.io/octo-org/worker',
            digestOf(2),
            'https://github.com/stranger/x/.github/workflows/release.yml@refs/heads/main',
          ),
        ],
      },
    ],
  });
});
afterAll(async () => {
  await registry.close();
  await authority.close();
});

describe('images.verify through the App', () => {
  it('writes only the digest signed by the identity the config names, and says who signed what', async () => {
    const verifier = imageBundleVerifier(authority.trustedRoot);
    await bench.start(
      (state) =>
        void seedRepository(state, {
          fullName: 'octo-org/platform',
          files: { '.github/pinwarden.yml': CONFIG, 'deploy/app.yaml': MANIFEST },
        }),
      { images: { mirrors: [`*=${registry.url}/{registry}`], signatures: async () => verifier } },
    );
    await bench.local.deliver('installation', installationCreated([repo('platform')]));
    await bench.local.pinwarden.idle();

    const platform = repo('platform');
    const written = readCommitFiles(platform.git, platform.branches.get(PIN_BRANCH)!).get('deploy/app.yaml')!;
    expect(written).toContain(`image: ghcr.io/octo-org/app:2.0@${digestOf(1)}\n`);
    expect(written).toContain('image: ghcr.io/octo-org/worker:2.0\n');
    expect(written).toContain('image: ghcr.io/octo-org/cron:2.0\n');
    // No rule names redis: pinned, and its table row says it is not signed.
    expect(written).toContain(`image: redis:7.4@${digestOf(4)}\n`);

    const body = renderedText(pullRequests(platform)[0]!.body);
    expect(body).toContain(`signed by ${RELEASE}`);
    expect(body).toMatch(/redis:7\.4@sha256:4{64}\s*\|\s*not signed/);
    expect(body).toMatch(
      /ghcr\.io\/octo-org\/worker:2\.0: refused: .*signed only by https:\/\/github\.com\/stranger\/x.*\(refused: signature\)/,
    );
    expect(body).toMatch(/ghcr\.io\/octo-org\/cron:2\.0: refused: .*no Sigstore signature of this digest was found/);

    // The cluster's signature policy names the rule's images and signer.
    const raw = pullRequests(platform)[0]!.body;
    expect(raw).toContain('name: pinwarden-verify-image-signatures');
    expect(raw).toContain('- ghcr.io/octo-org/*');
    expect(raw).toContain('issuerRegExp: ^https://token\\.actions\\.githubusercontent\\.com$');

    const findings = [...platform.issues.values()].find((issue) => issue.title.includes('ecurity'));
    expect(findings?.body).toContain('`ghcr.io/octo-org/worker:2.0`');
    expect(findings?.body).toContain('`ghcr.io/octo-org/cron:2.0`');
    // Provenance, not a theft: no advice to rotate secrets.
    expect(findings?.body).not.toContain('Treat as stolen');
    expect(findings?.body).toContain('sign them in the workflow that builds them');
  });
});
