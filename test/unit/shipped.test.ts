// What ships is the product: the package (`npm pack`) and the container image carry the build of
// src/ without the tools of src/dev (fake GitHub, fake registry, local runs, benchmarks, demo),
// which build to dist-dev/ on their own. (Needs the build: npm test builds first.)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const TOOLS = /(^|\/)(dev|fake-github|fake-registry|local-run|bench|demo)(\/|$)/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [relative(repoRoot, path)];
  });
}

describe('what ships', () => {
  it('the product build (dist/) has none of the tools, which build to dist-dev/', () => {
    const product = filesUnder(join(repoRoot, 'dist'));
    expect(product).toContain('dist/app/main.js');
    expect(product).toContain('dist/cli/main.js');
    expect(product.filter((path) => TOOLS.test(path.slice('dist/'.length)))).toEqual([]);
    expect(existsSync(join(repoRoot, 'dist-dev', 'dev', 'fake-github', 'main.js'))).toBe(true);
  });

  it('npm pack ships the build, the command and app.yml: no source, tests, fixtures or tools', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as [{ files: { path: string }[] }];
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'app.yml',
        'bin/pinwarden.js',
        'dist/app/main.js',
        'dist/cli/main.js',
        'dist/parallel/locate-worker.js',
      ]),
    );
    const top = new Set(paths.map((path) => path.split('/')[0]));
    expect([...top].sort()).toEqual(['README.md', 'app.yml', 'bin', 'dist', 'package.json']);
    expect(paths.filter((path) => path.startsWith('dist/') && TOOLS.test(path.slice('dist/'.length)))).toEqual([]);
  });

  it('the image copies only the product build and the command into its last stage', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m);
    const last = stages.at(-1)!;
    const copied = [...last.matchAll(/^COPY (?:--from=\S+ )?(.+) \S+$/gm)].flatMap((match) => match[1]!.split(/\s+/));
    expect(copied.sort()).toEqual(['/app/dist', 'bin', 'package-lock.json', 'package.json']);
  });
});
