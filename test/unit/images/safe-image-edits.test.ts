// Which image pins skip the re-reading of the rewritten file: only a digest appended to a value
// whose meaning the bytes prove; every other pin keeps the full check, and wherever the proof
// holds, the full check agrees with it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePathsAmong, looksLikeKubernetes } from '../../../src/images/image-file-kind.js';
import { locateImages, contextFor } from '../../../src/images/locate-image-file.js';
import { rewriteImages, verifyImageRewrite } from '../../../src/images/rewrite-images.js';
import { imageEditsAreProvablySafe } from '../../../src/images/safe-image-edits.js';
import type { ImageFileKind } from '../../../src/images/types.js';
import { planImageFile } from '../../support/image-pins.js';
import { fixturesDir } from '../../support/paths.js';

function proof(text: string, kind: ImageFileKind = 'workflow'): boolean {
  const { pins } = planImageFile(text, kind);
  expect(pins.length).toBeGreaterThan(0);
  return imageEditsAreProvablySafe(text, pins);
}

const job = (lines: string) => `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${lines}`;
const pod = (lines: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${lines}`;

describe('provably safe image pins', () => {
  it('are a digest appended to a plain, single- or double-quoted value on one line', () => {
    expect(proof(job('    container: node:20\n    steps:\n      - run: true\n'))).toBe(true);
    expect(proof(job("    container: 'node:20'   # the runtime\n    steps:\n      - run: true\n"))).toBe(true);
    expect(
      proof(job('    services:\n      db:\n        image: "postgres:15.1-bullseye"\n    steps:\n      - run: true\n')),
    ).toBe(true);
    expect(proof(job('    steps:\n      - uses: docker://alpine:3.19\n'))).toBe(true);
    expect(proof(pod('    - name: web\n      image: nginx:1.27\n'), 'kubernetes')).toBe(true);
  });

  it('are not flow collections, escapes, values over several lines, digest keys or Dockerfiles', () => {
    expect(proof(job('    container: {image: node:20}\n    steps:\n      - run: true\n'))).toBe(false);
    expect(proof(pod('    - name: web\n      image: "ngin\\x78:1.27"\n'), 'kubernetes')).toBe(false);
    expect(proof(pod('    - name: web\n      image: "nginx:\\\n        1.27"\n'), 'kubernetes')).toBe(false);
    expect(proof('images:\n  - name: nginx\n    newTag: "1.27"\n', 'kustomization')).toBe(false);
    expect(proof('FROM node:20 AS build\n', 'dockerfile')).toBe(false);
  });

  it('are rewritten without the second reading, and the second reading still catches what it is for', () => {
    const text = job('    container: node:20\n    steps:\n      - run: true\n');
    const planned = planImageFile(text, 'workflow');
    const result = rewriteImages(planned.input);
    expect(result.status).toBe('rewritten');
    expect(result.status === 'rewritten' && result.text).toBe(planned.pinned);
    // A rewrite that changed more than the plan says is refused by the full check.
    expect(
      verifyImageRewrite(
        planned.input,
        planned.entries,
        planned.pinned.replace('runs-on: ubuntu-latest', 'runs-on: [ubuntu-latest]'),
      ),
    ).toMatch(/changed/);
  });

  it('agree with the full check on every image file of the fixtures', () => {
    const repo = join(fixturesDir, 'images', 'repo');
    const paths = readdirSync(repo, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(repo, join(entry.parentPath, entry.name)).split('\\').join('/'));
    const templates = paths
      .filter((path) => path.startsWith('chart/templates/'))
      .map((path) => readFileSync(join(repo, path), 'utf8'));
    const files: { path: string; kind: ImageFileKind }[] = [
      ...paths
        .filter((path) => path.startsWith('.github/workflows/'))
        .map((path) => ({ path, kind: 'workflow' as const })),
      ...imagePathsAmong(paths).flatMap((found) =>
        found.kind !== 'maybe-kubernetes'
          ? [{ path: found.path, kind: found.kind }]
          : looksLikeKubernetes(readFileSync(join(repo, found.path), 'utf8'))
            ? [{ path: found.path, kind: 'kubernetes' as const }]
            : [],
      ),
    ];
    const proved: string[] = [];
    for (const { path, kind } of files) {
      const text = readFileSync(join(repo, path), 'utf8');
      const planned = planImageFile(text, kind, kind === 'helm-values' ? templates : undefined);
      if (planned.pins.length === 0 || !imageEditsAreProvablySafe(text, planned.pins)) continue;
      proved.push(path);
      expect(verifyImageRewrite(planned.input, planned.entries, planned.pinned), path).toBeUndefined();
      const again = locateImages(planned.pinned, kind, contextFor({ kind }, planned.pinned));
      expect(again.ok && again.images.map((image) => image.site.written), path).toEqual(
        planned.entries.map((entry) => (entry.action === 'pin' ? entry.after : entry.located.site.written)),
      );
    }
    // The workflow's job container and the compose services; the others have parts or known-bad images.
    expect(proved).toEqual(expect.arrayContaining(['.github/workflows/ci.yml', 'compose.yaml']));
  });
});
