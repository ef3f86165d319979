import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mayPushOrSign, readImagePushes } from '../../../src/signing/image-pushes.js';
import { addSigningSteps } from '../../../src/signing/signing-steps.js';

const INSTALLER = 'sigstore/cosign-installer@6f9f17788090df1f26f669e9d70d6ae9567deba6 # v4.1.2';
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
  '      - id: meta',
  '        uses: docker/metadata-action@v5',
  '        with:',
  '          images: |',
  '            ghcr.io/acme/app',
  '            name=docker.io/acme/app,enable=true',
  '      - name: Build and push   # the release image',
  '        uses: docker/build-push-action@v6',
  '        with:',
  '          push: true',
  '          tags: ${{ steps.meta.outputs.tags }}',
  '      - run: echo done',
  '',
].join('\n');

describe('reading image pushes', () => {
  it('finds build-push-action pushes, their images through metadata-action, and run pushes', () => {
    const text =
      RELEASE +
      '  other:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ko build ./cmd/app\n      - run: cosign sign --yes "$IMAGE"\n';
    const { pushes, signingJobs } = readImagePushes(text);
    expect(pushes.map((push) => [push.job, push.kind, push.images, push.signed, push.line])).toEqual([
      ['image', 'build-push-action', ['ghcr.io/acme/app', 'docker.io/acme/app'], false, 19],
      ['other', 'ko', [], true, 28],
    ]);
    expect(signingJobs).toEqual([{ job: 'other', images: [] }]);
  });

  it('says when a tag is computed at run time, and ignores push: false', () => {
    const tagOnly = RELEASE.replace(
      'tags: ${{ steps.meta.outputs.tags }}',
      'tags: ghcr.io/acme/app:${{ github.ref_name }}',
    );
    expect(readImagePushes(tagOnly).pushes[0]).toMatchObject({ images: ['ghcr.io/acme/app'] });
    const text = RELEASE.replace('tags: ${{ steps.meta.outputs.tags }}', 'tags: ghcr.io/acme/${{ matrix.name }}:1');
    expect(readImagePushes(text).pushes[0]).toMatchObject({
      images: [],
      unresolved: expect.stringContaining('computed at run time'),
    });
    expect(readImagePushes(RELEASE.replace('push: true', 'push: false')).pushes).toEqual([]);
  });

  it('reads a push the text spells across a folded line, and skips the parse where no push or signing is written', () => {
    const folded = 'jobs:\n  ship:\n    steps:\n      - run: >\n          docker\n          push ghcr.io/acme/app\n';
    expect(mayPushOrSign(folded)).toBe(true);
    expect(readImagePushes(folded).pushes).toMatchObject([{ job: 'ship', kind: 'docker push', line: 4 }]);
    const ci =
      'on: push\njobs:\n  test:\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test && git push origin\n';
    expect(mayPushOrSign(ci)).toBe(false);
    expect(readImagePushes(ci, { fastPath: false })).toEqual(readImagePushes(ci));
  });
});

describe('adding the signing steps', () => {
  it('adds an id, the installer and the sign step after the push, and id-token: write with the workflow’s permissions, every other byte kept', () => {
    const [push] = readImagePushes(RELEASE).pushes;
    const edit = addSigningSteps(RELEASE, push!, INSTALLER);
    expect(edit.ok).toBe(true);
    const text = edit.ok ? edit.text : '';
    expect(text).toBe(
      RELEASE.replace(
        '  image:\n    runs-on',
        '  image:\n    permissions:\n      contents: read\n      packages: write\n      id-token: write\n    runs-on',
      )
        .replace('      - name: Build and push', '      - id: image\n        name: Build and push')
        .replace(
          '          tags: ${{ steps.meta.outputs.tags }}\n',
          [
            '          tags: ${{ steps.meta.outputs.tags }}',
            '      - name: Install cosign',
            `        uses: ${INSTALLER}`,
            "      - name: Sign the pushed image by its digest (keyless, this job's OIDC token)",
            '        env:',
            '          DIGEST: ${{ steps.image.outputs.digest }}',
            '        run: |',
            '          cosign sign --yes "ghcr.io/acme/app@${DIGEST}"',
            '          cosign sign --yes "docker.io/acme/app@${DIGEST}"',
            '',
          ].join('\n'),
        ),
    );
    const steps = (parse(text) as { jobs: { image: { steps: { run?: string }[] } } }).jobs.image.steps;
    expect(steps).toHaveLength(6);
  });

  it('adds id-token to the job’s own permissions, keeps an existing id and the push condition', () => {
    const text = RELEASE.replace(
      '    runs-on: ubuntu-latest\n    steps:',
      '    runs-on: ubuntu-latest\n    permissions:\n      packages: write\n    steps:',
    )
      .replace('      - name: Build and push   # the release image', '      - name: Build and push\n        id: build')
      .replace('push: true', "push: ${{ github.event_name != 'pull_request' }}");
    const [push] = readImagePushes(text).pushes;
    const edit = addSigningSteps(text, push!, INSTALLER);
    expect(edit.ok && edit.text).toContain(
      '    permissions:\n      packages: write\n      id-token: write\n    steps:',
    );
    expect(edit.ok && edit.text).toContain('DIGEST: ${{ steps.build.outputs.digest }}');
    expect(edit.ok && edit.text).toContain(`        if: "\${{ github.event_name != 'pull_request' }}"\n`);
  });

  it('refuses, with the reason, what it cannot write without changing what the job may do', () => {
    const bare = RELEASE.replace('permissions:\n  contents: read\n  packages: write\n', '');
    const [push] = readImagePushes(bare).pushes;
    expect(addSigningSteps(bare, push!, INSTALLER)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('default token permissions'),
    });
    const readAll = RELEASE.replace('permissions:\n  contents: read\n  packages: write\n', 'permissions: read-all\n');
    expect(addSigningSteps(readAll, readImagePushes(readAll).pushes[0]!, INSTALLER)).toMatchObject({ ok: false });
    const flow =
      'on: push\npermissions: {packages: write}\njobs:\n  image: {runs-on: x, steps: [{uses: docker/build-push-action@v6, with: {push: true, tags: "ghcr.io/a/b:1"}}]}\n';
    expect(addSigningSteps(flow, readImagePushes(flow).pushes[0]!, INSTALLER)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('block style'),
    });
  });
});
