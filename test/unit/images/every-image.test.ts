// Every image a build or a cluster pulls (issue 27), each kind in its real shape: read, pinned in
// place (removing the inserted `@sha256:…` gives back the original bytes), verified by reading the
// rewrite again, and gated — or left with the reason when pinning it would break the build.
import { describe, expect, it } from 'vitest';
import { gateImage } from '../../../src/gate/gate.js';
import { looksLikeKubernetes } from '../../../src/images/image-file-kind.js';
import { locateImages } from '../../../src/images/locate-image-file.js';
import { rewriteImages } from '../../../src/images/rewrite-images.js';
import { appVersionOf } from '../../../src/images/chart-app-version.js';
import type { ImageFileKind, LocatedImage } from '../../../src/images/types.js';
import { planImageFile } from '../../support/image-pins.js';

const DIGEST = /@sha256:[0-9a-f]{64}/g;

/** Pins every image of `text` (digests made from the names), checks the rewrite and the byte invariant. */
function pinned(text: string, kind: ImageFileKind, templates?: readonly string[], appVersion?: string) {
  const planned = planImageFile(text, kind, templates, appVersion);
  const result = rewriteImages(planned.input);
  expect(result.status === 'rejected' ? result.problem : result.status).toBe(
    planned.pins.length > 0 ? 'rewritten' : 'unchanged',
  );
  if (kind !== 'helm-values') expect(planned.pinned.replace(DIGEST, '')).toBe(text.replace(DIGEST, ''));
  return planned;
}

function located(text: string, kind: ImageFileKind): readonly LocatedImage[] {
  const result = locateImages(text, kind);
  if (!result.ok) throw new Error(result.error);
  return result.images;
}

const changed = (before: string, after: string) =>
  after.split('\n').filter((line, index) => line !== before.split('\n')[index]);

describe('Dockerfile build arguments in FROM', () => {
  it('pins the default where the ARG declares it, once however many FROMs read it', () => {
    const text = 'ARG BASE=nginx:1.19\nFROM ${BASE} AS build\nRUN make\nFROM $BASE\n';
    const { pinned: after, entries } = pinned(text, 'dockerfile');
    expect(changed(text, after)).toEqual([expect.stringMatching(/^ARG BASE=nginx:1\.19@sha256:[0-9a-f]{64}$/)]);
    expect(entries.map((entry) => [entry.action, entry.located.site.line])).toEqual([
      ['pin', 1],
      ['keep', 4],
    ]);
  });

  it('pins an inline default, a quoted default, and an ARG of a multi-line instruction', () => {
    const text = [
      'ARG TOOLS=1 \\',
      '    BASE="golang:1.22"',
      'FROM ${BASE} AS build',
      'FROM ${IMAGE:-ubuntu:22.04}',
      '',
    ].join('\n');
    const after = pinned(text, 'dockerfile').pinned;
    expect(changed(text, after)).toEqual([
      expect.stringMatching(/^ {4}BASE="golang:1\.22@sha256:[0-9a-f]{64}"$/),
      expect.stringMatching(/^FROM \$\{IMAGE:-ubuntu:22\.04@sha256:[0-9a-f]{64}\}$/),
    ]);
  });

  it('reads several ARGs composed, and pins the default that ends the reference', () => {
    const text = 'ARG REG=ghcr.io\nARG NAME=acme/app\nARG TAG=1.2\nFROM ${REG}/${NAME}:${TAG}\n';
    const planned = pinned(text, 'dockerfile');
    const image = planned.entries[0]!.located;
    expect(image.status === 'image' && `${image.image.registry}/${image.image.repository}:${image.image.tag}`).toBe(
      'ghcr.io/acme/app:1.2',
    );
    expect(changed(text, planned.pinned)).toEqual([expect.stringMatching(/^ARG TAG=1\.2@sha256:[0-9a-f]{64}$/)]);
  });

  it('fails the gate, saying why, for an ARG without a default or never declared', () => {
    const images = located('ARG BASE\nFROM ${BASE}\nFROM ${OTHER}:1\n', 'dockerfile');
    expect(images.map((image) => gateImage(image))).toEqual([
      expect.objectContaining({ passes: false, reason: expect.stringContaining('BASE has no default') }),
      expect.objectContaining({ passes: false, reason: expect.stringContaining('OTHER is not declared') }),
    ]);
  });

  it('leaves a default read beyond FROM in place and says its digest', () => {
    const text = 'ARG TAG=1.2\nFROM ghcr.io/acme/app:${TAG}\nLABEL version=$TAG\n';
    const { entries, pins } = planImageFile(text, 'dockerfile');
    expect(pins).toEqual([]);
    expect(entries[0]).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/read beyond the end of a FROM.*its digest is `sha256:/),
    });
    expect(gateImage(entries[0]!.located).passes).toBe(false);
  });
});

describe('images a Dockerfile pulls besides FROM', () => {
  it('pins COPY --from and RUN --mount from images; a build stage, by name or number, is no image', () => {
    const text = [
      'FROM golang:1.22 AS build',
      'COPY --from=nginx:1.27 /etc/nginx/nginx.conf /nginx.conf',
      'COPY --from=build /out /app',
      'COPY --from=0 /out /app2',
      'RUN --mount=type=bind,from=ghcr.io/acme/assets:3,source=/a,target=/b make',
      'RUN --mount=type=cache,target=/root/.cache go build',
      '',
    ].join('\n');
    const planned = pinned(text, 'dockerfile');
    expect(planned.entries.map((entry) => [entry.located.site.kind, entry.action])).toEqual([
      ['from', 'pin'],
      ['copy-from', 'pin'],
      ['copy-from', 'keep'],
      ['copy-from', 'keep'],
      ['mount-from', 'pin'],
    ]);
    expect(changed(text, planned.pinned)[2]).toMatch(
      /^RUN --mount=type=bind,from=ghcr\.io\/acme\/assets:3@sha256:[0-9a-f]{64},source=\/a,target=\/b make$/,
    );
  });

  it('pins the `# syntax=` frontend BuildKit pulls and runs', () => {
    const text = '# syntax=docker/dockerfile:1.7\nFROM alpine:3.20\n';
    const after = pinned(text, 'dockerfile').pinned;
    expect(after.split('\n')[0]).toMatch(/^# syntax=docker\/dockerfile:1\.7@sha256:[0-9a-f]{64}$/);
    expect(gateImage(located(text, 'dockerfile')[0]!)).toMatchObject({ passes: false, rule: 'image-tag' });
  });
});

describe('Kubernetes', () => {
  it('pins image volumes (`volumes[].image.reference`), which the kubelet pulls', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  containers:',
      '  - name: app',
      '    image: nginx:1.27',
      '  volumes:',
      '  - name: models',
      '    image:',
      '      reference: quay.io/acme/models:v2',
      '      pullPolicy: IfNotPresent',
      '',
    ].join('\n');
    const planned = pinned(text, 'kubernetes');
    expect(planned.entries.map((entry) => [entry.located.site.kind, entry.located.site.path])).toEqual([
      ['pod-container', 'spec.containers[0].image'],
      ['pod-volume', 'spec.volumes[0].image.reference'],
    ]);
  });

  it('reads a manifest that begins with a UTF-8 byte order mark', () => {
    const text = '\uFEFFapiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1.27\n';
    expect(looksLikeKubernetes(text)).toBe(true);
    const after = pinned(text, 'kubernetes').pinned;
    expect(after.startsWith('\uFEFFapiVersion: v1\n')).toBe(true);
    expect(after).toMatch(/image: nginx:1\.27@sha256:[0-9a-f]{64}\n$/);
  });
});

describe('workflows', () => {
  it('pins a service written as its image alone', () => {
    const text =
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      postgres: postgres:16\n      redis: {image: redis:7}\n    steps:\n      - run: make\n';
    const planned = pinned(text, 'workflow');
    expect(planned.pins.map((pin) => pin.located.site.path)).toEqual([
      'jobs.test.services.postgres',
      'jobs.test.services.redis.image',
    ]);
  });
});

describe('Helm charts', () => {
  const readsDigest = ['image: "{{ .Values.image.repository }}@{{ .Values.image.digest }}"'];
  const readsTag = [
    '        image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
  ];

  it('takes `version:` as the tag of an image map', () => {
    const text = 'image:\n  registry: docker.io\n  repository: bitnami/redis\n  version: 7.2.4\n';
    const planned = pinned(text, 'helm-values', readsDigest);
    expect(planned.pins[0]!.located.status === 'image' && planned.pins[0]!.located.image.tag).toBe('7.2.4');
    expect(planned.pinned).toMatch(/\n {2}version: 7\.2\.4\n {2}digest: sha256:[0-9a-f]{64}\n$/);
  });

  it("resolves a map without a tag at the chart's appVersion, pinned where the templates read a digest", () => {
    const text = 'image:\n  repository: ghcr.io/acme/api\n  tag: ""\n';
    const planned = pinned(text, 'helm-values', readsDigest, '2.4.1');
    expect(planned.pins[0]!.located.status === 'image' && planned.pins[0]!.located.image.written).toBe(
      'ghcr.io/acme/api:2.4.1',
    );
    expect(planned.pinned).toMatch(/\n {2}digest: sha256:[0-9a-f]{64}\n$/);
  });

  it('otherwise says the digest and the template line that would need one', () => {
    const planned = planImageFile('image:\n  repository: ghcr.io/acme/api\n', 'helm-values', readsTag, '2.4.1');
    expect(planned.pins).toEqual([]);
    expect(planned.entries[0]).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/template line `image: "\{\{ \.Values\.image\.repository .*its digest is `sha256:/),
    });
    expect(appVersionOf('apiVersion: v2\nname: api\nversion: 0.3.0\nappVersion: "2.4.1"\n')).toBe('2.4.1');
    expect(appVersionOf('appVersion: [')).toBeUndefined();
  });
});

describe('compose', () => {
  it('reads the FROM lines of `build.dockerfile_inline`, in a literal block and on one line', () => {
    const text = [
      'services:',
      '  api:',
      '    build:',
      '      context: .',
      '      dockerfile_inline: |',
      '        FROM node:20 AS build',
      '        RUN npm ci',
      '        FROM gcr.io/distroless/nodejs20',
      '  worker:',
      '    build:',
      '      dockerfile_inline: "FROM python:3.12-slim"',
      '',
    ].join('\r\n');
    const planned = pinned(text, 'compose');
    expect(planned.pins.map((pin) => [pin.located.site.line, pin.located.site.written])).toEqual([
      [6, 'node:20'],
      [8, 'gcr.io/distroless/nodejs20'],
      [11, 'python:3.12-slim'],
    ]);
  });

  it('pins an inline default of a FROM written in `dockerfile_inline`', () => {
    const text = 'services:\n  api:\n    build:\n      dockerfile_inline: |\n        FROM ${BASE:-node:20}\n';
    const after = pinned(text, 'compose').pinned;
    expect(after).toMatch(/\n {8}FROM \$\{BASE:-node:20@sha256:[0-9a-f]{64}\}\n$/);
  });

  it('never pins the image a service builds', () => {
    const text = 'services:\n  api:\n    build: .\n    image: ghcr.io/acme/api:dev\n  db:\n    image: postgres:16\n';
    const planned = pinned(text, 'compose');
    expect(planned.entries.map((entry) => [entry.located.site.path, entry.action])).toEqual([
      ['services.api.image', 'keep'],
      ['services.db.image', 'pin'],
    ]);
    expect(planned.entries[0]).toMatchObject({
      why: 'not-image',
      detail: expect.stringContaining('docker compose build'),
    });
  });
});
