// `pinwarden scan | pin | audit` over a repository of images, digests read from the loopback fake
// registry through --registry-mirror: every image file found, pinned in place, reported.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry } from '../../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../../../src/dev/fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../../src/images/registry/images-file.js';
import { fixturesDir } from '../../support/paths.js';
import { runCli } from '../../support/run-cli.js';

const REGISTRY_FILE = join(fixturesDir, 'images', 'registry.json');
const IMAGES = parseImagesFile(readFileSync(REGISTRY_FILE, 'utf8'));
const digest = (name: string) => IMAGES.find((image) => `${image.name}:${image.tag}` === name)!.digest;
const refsDir = join(fixturesDir, 'refs');

let registry: FakeRegistry;
beforeAll(async () => {
  registry = await startFakeRegistry({ images: IMAGES });
});
afterAll(() => registry.close());

function copyRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'pinwarden-images-'));
  cpSync(join(fixturesDir, 'images', 'repo'), root, { recursive: true });
  return root;
}

describe('pinwarden scan', () => {
  it('lists the images of every image file below a directory, with whether each is pinned', async () => {
    const { code, stdout } = await runCli(['scan', '.', '--format', 'json'], copyRepo());
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      files: { path: string; refs: { kind: string; line: number; uses: string; pinned: boolean; passes: boolean }[] }[];
    };
    expect(report.files.map((file) => file.path).sort()).toEqual([
      '.github/workflows/ci.yml',
      'chart/values.yaml',
      'compose.yaml',
      'deploy/app.yaml',
      'deploy/kustomization.yaml',
      'services/api/Dockerfile',
    ]);
    const images = report.files.flatMap((file) =>
      file.refs
        .filter((ref) => ref.kind === 'image')
        .map((ref) => `${file.path}:${ref.line} ${ref.pinned ? 'pinned' : ref.passes ? 'passes' : 'FAILS'}`),
    );
    expect(images).toContain('deploy/app.yaml:54 pinned');
    expect(images).toContain('deploy/app.yaml:12 FAILS');
    expect(images).toContain('services/api/Dockerfile:11 passes');
    expect(images).toHaveLength(32);
  });
});

describe('pinwarden pin', () => {
  it('pins every image through the mirror, asks once per unique image, refuses the known-bad one and exits 1 for what stays', async () => {
    const root = copyRepo();
    const before = registry.counts();
    const { code, stdout } = await runCli(
      ['pin', '.', '--refs', refsDir, '--registry-mirror', `*=${registry.url}/{registry}`, '--format', 'json'],
      root,
    );
    const after = registry.counts();
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      summary: { imagesPinned: number };
      findings: { check: string; uses: string }[];
      images: { path: string; pins: unknown[]; skipped: { line: number; reason: string }[] }[];
    };
    expect(report.summary.imagesPinned).toBe(21);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ check: 'known-compromised', uses: 'aquasec/trivy:0.69.4' }),
    );
    expect(readFileSync(join(root, 'deploy/app.yaml'), 'utf8')).toContain(
      `image: "nginx:1.27@${digest('docker.io/library/nginx:1.27')}"`,
    );
    expect(readFileSync(join(root, 'services/api/Dockerfile'), 'utf8')).toContain(
      `FROM --platform=$BUILDPLATFORM golang:1.23@${digest('docker.io/library/golang:1.23')} AS build`,
    );
    expect(readFileSync(join(root, 'compose.yaml'), 'utf8')).toContain('image: aquasec/trivy:0.69.4\n');
    // Each unique image asked once: a HEAD, after a 401 and a token unless its repository's token was
    // kept from another tag of it (node:20 and node:22 share one).
    const asked = Object.entries(after.manifests)
      .map(([name, n]) => [name, n - (before.manifests[name] ?? 0)] as const)
      .filter(([, n]) => n > 0);
    expect(asked).toHaveLength(22);
    for (const [name, n] of asked) expect([1, 2], name).toContain(n);
    const repositories = new Set(asked.map(([name]) => name.slice(0, name.lastIndexOf(':'))));
    expect((after.byKind['GET token'] ?? 0) - (before.byKind['GET token'] ?? 0)).toBe(repositories.size);
    expect((after.byKind['GET manifest'] ?? 0) - (before.byKind['GET manifest'] ?? 0)).toBe(0);
    // A second run finds nothing left to pin and asks no registry for pinned images' tags but to verify them.
    const again = await runCli(
      ['pin', '.', '--refs', refsDir, '--registry-mirror', `*=${registry.url}/{registry}`, '--format', 'json'],
      root,
    );
    expect(JSON.parse(again.stdout).summary.imagesPinned).toBe(0);
  });

  it('offline with --refs and no registry option asks nothing, and says so per image', async () => {
    const root = copyRepo();
    const { code, stdout } = await runCli(['pin', '.', '--refs', refsDir, '--dry-run'], root);
    expect(code).toBe(1);
    expect(stdout).toContain(
      'line 3: skip image postgres:16.4: the digest could not be read: not asked: offline (--refs)',
    );
  });

  it('a mirror that is not REGISTRY=URL is a usage error', async () => {
    const { code, stderr } = await runCli(['pin', '.', '--registry-mirror', 'nonsense', '--refs', refsDir], copyRepo());
    expect(code).toBe(2);
    expect(stderr).toContain('REGISTRY=URL');
  });
});

describe('pinwarden audit', () => {
  it('reports unpinned, latest, known-bad images and a digest its tag no longer names', async () => {
    const { code, stdout } = await runCli(
      ['audit', '.', '--refs', refsDir, '--registry-data', REGISTRY_FILE, '--format', 'json'],
      copyRepo(),
    );
    expect(code).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: { path: string; line: number; check: string }[] }).findings.map(
      (finding) => `${finding.path}:${finding.line} ${finding.check}`,
    );
    expect(findings).toEqual(
      expect.arrayContaining([
        'compose.yaml:11 known-compromised',
        'deploy/app.yaml:41 latest-image',
        '.github/workflows/ci.yml:24 image-tag-moved',
        'services/api/Dockerfile:3 unpinned',
      ]),
    );
    expect(findings).not.toContain('services/api/Dockerfile:12 unpinned');
  });
});
