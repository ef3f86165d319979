import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditImages } from '../../../src/audit/audit-images.js';
import { pinImageFiles } from '../../../src/images/pin-images.js';
import type { PinnedImageFile } from '../../../src/images/pin-images.js';
import type { ImageFile } from '../../../src/images/types.js';
import { parseImagesFile } from '../../../src/images/registry/images-file.js';
import { imageTableResolver } from '../../../src/images/registry/table-digest-resolver.js';
import { fixturesDir } from '../../support/paths.js';

const REPO = join(fixturesDir, 'images', 'repo');
const REGISTRY = join(fixturesDir, 'images', 'registry.json');
const DIGESTS = new Map(
  parseImagesFile(readFileSync(REGISTRY, 'utf8')).map((image) => [`${image.name}:${image.tag}`, image.digest]),
);
const digest = (name: string) => DIGESTS.get(name)!;
const TEMPLATES = [readFileSync(join(REPO, 'chart/templates/deployment.yaml'), 'utf8')];

function file(path: string, kind: ImageFile['kind'], text = readFileSync(join(REPO, path), 'utf8')): ImageFile {
  return { path, kind, text, ...(kind === 'helm-values' ? { templates: TEMPLATES } : {}) };
}

async function pinOne(input: ImageFile): Promise<PinnedImageFile> {
  const { files } = await pinImageFiles([input], imageTableResolver(REGISTRY));
  return files[0]!;
}

function rewritten(result: PinnedImageFile): string {
  if (result.status !== 'rewritten')
    throw new Error(`not rewritten: ${result.status} ${'problem' in result ? result.problem : ''}`);
  return result.text;
}

/** Every line the rewrite changed, as [before, after]. */
function changedLines(before: string, after: string): [string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]!] as [string, string]]));
}

describe('Kubernetes manifests', () => {
  it('appends the digest to every container, init container and sidecar image, and changes nothing else', async () => {
    const input = file('deploy/app.yaml', 'kubernetes');
    const text = rewritten(await pinOne(input));
    expect(changedLines(input.text, text)).toEqual([
      [
        '          image: ghcr.io/acme/migrate:2.4.1   # runs the schema migrations',
        `          image: ghcr.io/acme/migrate:2.4.1@${digest('ghcr.io/acme/migrate:2.4.1')}   # runs the schema migrations`,
      ],
      ['          image: "nginx:1.27"', `          image: "nginx:1.27@${digest('docker.io/library/nginx:1.27')}"`],
      [
        '          image: &shipper fluent/fluent-bit:3.1',
        `          image: &shipper fluent/fluent-bit:3.1@${digest('docker.io/fluent/fluent-bit:3.1')}`,
      ],
      [
        "        - {name: metrics, image: 'prom/statsd-exporter:v0.27.1'}",
        `        - {name: metrics, image: 'prom/statsd-exporter:v0.27.1@${digest('docker.io/prom/statsd-exporter:v0.27.1')}'}`,
      ],
      ['              image: busybox', `              image: busybox@${digest('docker.io/library/busybox:latest')}`],
    ]);
    expect(text.split('\n').length).toBe(input.text.split('\n').length);
  });

  it('says why it leaves an image it cannot read, and flags latest', async () => {
    const result = await pinOne(file('deploy/app.yaml', 'kubernetes'));
    const skipped = result.status === 'rewritten' ? result.entries.filter((entry) => entry.action === 'skip') : [];
    expect(skipped.map((entry) => [entry.located.site.line, entry.action === 'skip' && entry.reason])).toEqual([
      [57, expect.stringContaining('variable')],
    ]);
    const pins =
      result.status === 'rewritten'
        ? result.entries.flatMap((entry) =>
            entry.action === 'pin' && entry.latest ? [entry.located.site.written] : [],
          )
        : [];
    expect(pins).toEqual(['busybox']);
  });

  it('is idempotent: a pinned file is left as it is', async () => {
    const once = rewritten(await pinOne(file('deploy/app.yaml', 'kubernetes')));
    expect((await pinOne(file('deploy/app.yaml', 'kubernetes', once))).status).toBe('unchanged');
  });

  it('keeps CRLF line endings and a BOM', async () => {
    const input = file('deploy/app.yaml', 'kubernetes');
    const crlf = `\uFEFF${input.text.replaceAll('\n', '\r\n')}`;
    const text = rewritten(await pinOne({ ...input, text: crlf }));
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.replaceAll('\r\n', '').includes('\n')).toBe(false);
    expect(text.replaceAll('\r\n', '\n').slice(1)).toBe(rewritten(await pinOne(input)));
  });
});

describe('Dockerfiles', () => {
  it('pins each FROM image in place, keeping --platform, AS and case, and the ARG default a FROM reads where it is declared; stages and scratch are not images', async () => {
    const input = file('services/api/Dockerfile', 'dockerfile');
    const result = await pinOne(input);
    expect(changedLines(input.text, rewritten(result))).toEqual([
      ['ARG BASE=alpine:3.20', `ARG BASE=alpine:3.20@${digest('docker.io/library/alpine:3.20')}`],
      [
        'FROM --platform=$BUILDPLATFORM golang:1.23 AS build',
        `FROM --platform=$BUILDPLATFORM golang:1.23@${digest('docker.io/library/golang:1.23')} AS build`,
      ],
      [
        'from gcr.io/distroless/static-debian12:nonroot as final',
        `from gcr.io/distroless/static-debian12:nonroot@${digest('gcr.io/distroless/static-debian12:nonroot')} as final`,
      ],
    ]);
    const kept =
      result.status === 'rewritten'
        ? result.entries
            .filter((entry) => entry.action === 'keep')
            .map((entry) => entry.action === 'keep' && [entry.located.site.written, entry.why])
        : [];
    expect(kept).toEqual([
      ['build', 'not-image'],
      ['build', 'not-image'],
      ['scratch', 'not-image'],
      [`node:20@sha256:${'1'.repeat(64)}`, 'pinned'],
    ]);
  });
});

describe('compose, Helm values and kustomize', () => {
  it('refuses the known-bad trivy image and a variable, pins the rest', async () => {
    const input = file('compose.yaml', 'compose');
    const result = await pinOne(input);
    expect(changedLines(input.text, rewritten(result)).map(([, after]) => after.trim())).toEqual([
      `image: postgres:16.4@${digest('docker.io/library/postgres:16.4')}   # the database`,
      `image: 'redis:7.4-alpine@${digest('docker.io/library/redis:7.4-alpine')}'`,
    ]);
    const reasons =
      result.status === 'rewritten'
        ? result.entries.flatMap((entry) => (entry.action === 'skip' ? [entry.reason] : []))
        : [];
    expect(reasons).toEqual([
      expect.stringContaining('variable'),
      expect.stringContaining('refused: a known-compromised image'),
    ]);
  });

  it('fills the digest a chart template reads, appends to image strings, and names the line where the template reads none', async () => {
    const input = file('chart/values.yaml', 'helm-values');
    const result = await pinOne(input);
    expect(changedLines(input.text, rewritten(result))).toEqual([
      ['  digest: ""', `  digest: "${digest('docker.io/bitnami/nginx:1.27.1')}"`],
      ['initImage: busybox:1.36', `initImage: busybox:1.36@${digest('docker.io/library/busybox:1.36')}`],
      [
        '  image: latest-tool   # no tag: latest',
        `  image: latest-tool@${digest('docker.io/library/latest-tool:latest')}   # no tag: latest`,
      ],
    ]);
    const skipped = result.status === 'rewritten' ? result.entries.filter((entry) => entry.action === 'skip') : [];
    expect(skipped.map((entry) => [entry.located.site.line, entry.action === 'skip' && entry.reason])).toEqual([
      [9, expect.stringContaining('`.Values.exporter.image.digest`')],
    ]);
  });

  it('adds digest: to kustomize images entries, block and flow, and leaves an entry without newTag', async () => {
    const input = file('deploy/kustomization.yaml', 'kustomization');
    const text = rewritten(await pinOne(input));
    expect(text).toBe(
      input.text
        .replace(
          '    newTag: 1.27.2\n',
          `    newTag: 1.27.2\n    digest: ${digest('docker.io/library/nginx:1.27.2')}\n`,
        )
        .replace(
          '    newTag: "1.36"\n',
          `    newTag: "1.36"\n    digest: ${digest('docker.io/library/busybox:1.36')}\n`,
        )
        .replace('newTag: "3.1.9"}', `newTag: "3.1.9", digest: ${digest('docker.io/fluent/fluent-bit:3.1.9')}}`),
    );
  });
});

describe('workflows', () => {
  it('pins job containers, service containers and docker:// steps; never text in a run block', async () => {
    const input = file('.github/workflows/ci.yml', 'workflow');
    const text = rewritten(await pinOne(input));
    expect(changedLines(input.text, text).map(([, after]) => after.trim())).toEqual([
      `container: node:20@${digest('docker.io/library/node:20')}`,
      `image: 'redis:7.4-alpine@${digest('docker.io/library/redis:7.4-alpine')}'`,
      `image: postgres:16.4@${digest('docker.io/library/postgres:16.4')}`,
      `- uses: docker://alpine:3.20@${digest('docker.io/library/alpine:3.20')}`,
      `image: ghcr.io/acme/linter:latest@${digest('ghcr.io/acme/linter:latest')}`,
    ]);
    expect(text).toContain('echo "image: fake/not-an-image:1"');
  });

  it('a file that names no image is not parsed for images at all', async () => {
    const result = await pinOne({
      path: 'w.yml',
      kind: 'workflow',
      text: 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n',
    });
    expect(result.status).toBe('unchanged');
  });
});

describe('auditImages', () => {
  it('finds unpinned and latest images, the known-bad one, a pinned digest its tag no longer names, and images it cannot read', async () => {
    const resolver = imageTableResolver(REGISTRY);
    const inputs = [file('compose.yaml', 'compose'), file('.github/workflows/ci.yml', 'workflow')];
    const { files, resolutions } = await pinImageFiles(inputs, resolver);
    const findings = files.flatMap((result) =>
      result.located.ok ? auditImages(result.path, result.located.images, resolutions) : [],
    );
    const summary = findings.map((finding) => `${finding.path}:${finding.line} ${finding.check} ${finding.severity}`);
    expect(summary).toEqual([
      'compose.yaml:3 unpinned medium',
      'compose.yaml:5 unpinned medium',
      'compose.yaml:9 unpinned medium',
      'compose.yaml:11 known-compromised critical',
      'compose.yaml:11 unpinned medium',
      '.github/workflows/ci.yml:6 unpinned medium',
      '.github/workflows/ci.yml:9 unpinned medium',
      '.github/workflows/ci.yml:11 unpinned medium',
      '.github/workflows/ci.yml:15 unpinned medium',
      '.github/workflows/ci.yml:21 unpinned medium',
      '.github/workflows/ci.yml:21 latest-image medium',
      '.github/workflows/ci.yml:24 image-tag-moved low',
      '.github/workflows/ci.yml:27 unpinned medium',
    ]);
  });
});
