import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { tempRepo } from '../support/temp-repo.js';

const SHA = 'cbcfe8442205d9515bb3b8941cbbd70fb5a3284f';
const refsDir = join(fixturesDir, 'refs');
const golden = (name: string) => readFileSync(join(fixturesDir, 'golden', name), 'utf8');

describe('pinwarden scan', () => {
  it('reads a directory as its workflows plus every action manifest below it', async () => {
    const root = tempRepo({
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - uses: acme/setup@v1\n      - uses: ./local\n',
      '.github/workflows/nested/not-run.yml': 'jobs:\n  a:\n    steps:\n      - uses: acme/ignored@v1\n',
      '.github/workflows/notes.md': 'uses: acme/ignored@v1\n',
      'actions/build/action.yaml': `runs:\n  using: composite\n  steps:\n    - uses: acme/setup@${SHA} # v1.2.3\n`,
      'node_modules/dep/action.yml': 'runs:\n  using: composite\n  steps:\n    - uses: acme/ignored@v1\n',
    });
    const { code, stdout } = await runCli(['scan', '--format', 'json'], root);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      files: [
        { path: '.github/workflows/ci.yml', refs: [{ line: 4, uses: 'acme/setup@v1', kind: 'action', pinned: false }, { line: 5, uses: './local', kind: 'local', pinned: true }] },
        { path: 'actions/build/action.yaml', refs: [{ line: 4, uses: `acme/setup@${SHA}`, kind: 'action', pinned: true }] },
      ],
    });
  });

  it('exits 0 when every remote reference is pinned, and lists them as text', async () => {
    const root = tempRepo({ '.github/workflows/ci.yml': `jobs:\n  a:\n    steps:\n      - uses: acme/setup@${SHA}\n      - uses: docker://alpine:3\n` });
    const { code, stdout } = await runCli(['scan'], root);
    expect(code).toBe(0);
    expect(stdout).toContain(`line 4     action            pinned    acme/setup@${SHA}`);
    expect(stdout).toContain('line 5     docker            UNPINNED  docker://alpine:3');
    expect(stdout).toContain('1 files, 2 references, 0 remote references not pinned');
  });

  it('reports a file whose YAML does not parse and fails the gate', async () => {
    const root = tempRepo({ '.github/workflows/bad.yml': golden('broken.before.yml') });
    const { code, stdout } = await runCli(['scan', '--format', 'json'], root);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).files[0]).toMatchObject({ path: '.github/workflows/bad.yml', error: expect.stringMatching(/line 5/), refs: [] });
  });

  it.each([
    [['scan', '--format', 'xml']],
    [['scan', '--bogus']],
    [['frobnicate']],
    [['scan', 'no/such/path']],
  ])('exits 2 on a usage error: %j', async (args) => {
    const { code, stderr } = await runCli(args, tempRepo({}));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^pinwarden: /);
  });

  it.each([['scan'], ['pin']])('prints help for %s', async (command) => {
    const { code, stdout } = await runCli([command, '--help'], repoRoot);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: pinwarden ${command}`);
    expect(stdout).toContain('Exit codes');
  });
});

describe('pinwarden pin', () => {
  it('rewrites files in place to the golden result, then finds nothing left to do', async () => {
    const root = tempRepo({ '.github/workflows/ci.yml': golden('comments-and-quotes.before.yml') });
    const first = await runCli(['pin', '--refs', refsDir], root);
    expect(first.code).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(golden('comments-and-quotes.after.yml'));
    expect(first.stdout).toContain('8 references pinned in 1 files; 0 remote references could not be pinned');
    const second = await runCli(['pin', '--refs', refsDir, '--format', 'json'], root);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).summary).toMatchObject({ pinned: 0, rewritten: 0 });
  });

  it('writes nothing on --dry-run and prints the diff', async () => {
    const before = golden('basic.before.yml');
    const root = tempRepo({ '.github/workflows/ci.yml': before });
    const { code, stdout } = await runCli(['pin', '--refs', refsDir, '--dry-run'], root);
    expect(code).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(before);
    expect(stdout).toContain(`+      - uses: acme/setup@${SHA} # v1.2.3`);
    expect(stdout).toContain('dry run: 3 references pinned');
  });

  it('exits 1 and says why when references stay unpinned, and leaves broken files byte-identical', async () => {
    const broken = golden('broken.before.yml');
    const root = tempRepo({ '.github/workflows/ci.yml': golden('refs-of-every-kind.before.yml'), '.github/workflows/broken.yml': broken });
    const { code, stdout } = await runCli(['pin', '--refs', refsDir, '--format', 'json'], root);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const ci = report.files.find((file: { path: string }) => file.path.endsWith('ci.yml'));
    expect(ci.skipped).toContainEqual({ line: 13, uses: 'acme/missing@v1', reason: 'repository acme/missing not found' });
    expect(report.files.find((file: { path: string }) => file.path.endsWith('broken.yml'))).toMatchObject({ status: 'unreadable', error: expect.any(String) });
    expect(readFileSync(join(root, '.github/workflows/broken.yml'), 'utf8')).toBe(broken);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(golden('refs-of-every-kind.after.yml'));
  });

  it('refuses to run without a token or refs data, or with a malformed API URL', async () => {
    const { code, stderr } = await runCli(['pin'], tempRepo({}));
    expect(code).toBe(2);
    expect(stderr).toContain('GITHUB_TOKEN is not set');
    const badUrl = await runCli(['pin', '--api-url', 'ftp://example'], tempRepo({}), { GITHUB_TOKEN: 't' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--api-url must be an http(s) URL');
  });
});

describe('the installed bin', () => {
  it('runs the built CLI on the runtime npm put on the PATH', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'bin', 'pinwarden.js'), 'scan', '--format', 'json', join(fixturesDir, 'golden', 'basic.before.yml')], { encoding: 'utf8', cwd: repoRoot });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).files[0].refs).toHaveLength(4);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
