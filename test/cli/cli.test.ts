import { execFileSync } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
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
        {
          path: '.github/workflows/ci.yml',
          refs: [
            {
              line: 4,
              uses: 'acme/setup@v1',
              kind: 'action',
              pinned: false,
              passes: false,
              reason: '`@v1` is a tag or branch, which can be moved',
            },
            { line: 5, uses: './local', kind: 'local', pinned: false, passes: true, why: 'local' },
          ],
        },
        {
          path: 'actions/build/action.yaml',
          refs: [{ line: 4, uses: `acme/setup@${SHA}`, kind: 'action', pinned: true, passes: true, why: 'pinned' }],
        },
      ],
      notes: [],
      failures: 1,
    });
  });

  it('exits 0 when every reference passes the gate, and lists them as text', async () => {
    const root = tempRepo({
      '.github/workflows/ci.yml': `jobs:\n  a:\n    steps:\n      - uses: acme/setup@${SHA}\n      - uses: docker://alpine@sha256:${'a'.repeat(64)}\n`,
    });
    const { code, stdout } = await runCli(['scan'], root);
    expect(code).toBe(0);
    expect(stdout).toContain(`line 4     action            pinned    acme/setup@${SHA}`);
    expect(stdout).toContain(`line 5     docker            pinned    docker://alpine@sha256:${'a'.repeat(64)}`);
    expect(stdout).toContain('1 file, 2 references, 0 not pinned');
  });

  it.each([
    ['a Docker image by tag', 'docker://alpine:3', /Docker image tag can move/],
    ['an invalid value', 'acme/setup', /missing `@ref`/],
    ['a block scalar', '|\n          acme/setup@v1', /tag or branch/],
    ['a literal expression', "${{ 'acme/setup@v1' }}", /tag or branch/],
    ['an expression known only at run time', '${{ matrix.action }}', /known only when the workflow runs/],
    ['a short SHA', 'acme/setup@cbcfe84', /short SHA/],
  ])('fails the gate on %s', async (_name, uses, reason) => {
    const root = tempRepo({ '.github/workflows/ci.yml': `jobs:\n  a:\n    steps:\n      - uses: ${uses}\n` });
    const { code, stdout } = await runCli(['scan', '--format', 'json'], root);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).files[0].refs[0]).toMatchObject({ passes: false, reason: expect.stringMatching(reason) });
  });

  it('passes a same-repository `$/` reusable workflow and references ignored on their line or by --ignore', async () => {
    const root = tempRepo({
      '.github/workflows/ci.yml': [
        'jobs:',
        '  call:',
        '    uses: $/.github/workflows/reusable.yml',
        '  a:',
        '    steps:',
        '      - uses: acme/setup@v1 # pinwarden:ignore (our own action, released by tag)',
        '      - uses: acme/other@v1 # ratchet:exclude',
        '      - uses: my-org/tool@main',
        '',
      ].join('\n'),
    });
    const gated = await runCli(['scan', '--format', 'json'], root);
    expect(gated.code).toBe(1);
    expect(
      JSON.parse(gated.stdout).files[0].refs.map((ref: { passes: boolean; why?: string }) => [ref.passes, ref.why]),
    ).toEqual([
      [true, 'local'],
      [true, 'ignored'],
      [true, 'ignored'],
      [false, undefined],
    ]);
    expect((await runCli(['scan', '--ignore', 'my-org/*'], root)).code).toBe(0);
    const pinned = await runCli(
      ['pin', '--refs', refsDir, '--ignore', 'my-org/*', '--dry-run', '--format', 'json'],
      root,
    );
    expect(pinned.code).toBe(0);
    expect(JSON.parse(pinned.stdout).summary).toMatchObject({ pinned: 0, failing: 0 });
  });

  it('a hostile file costs only itself: an alias cycle and deep nesting are reported, the other file is read', async () => {
    const root = tempRepo({
      '.github/workflows/a-cycle.yml':
        'on: push\njobs:\n  a:\n    runs-on: x\n    steps: &s [ {uses: actions/checkout@v4, parallel: *s} ]\n',
      '.github/workflows/b-deep.yml': `jobs: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      '.github/workflows/c-fine.yml': `jobs:\n  a:\n    steps:\n      - uses: acme/setup@${SHA}\n`,
    });
    const { code, stdout } = await runCli(['scan', '--format', 'json'], root);
    expect(code).toBe(1);
    const files = JSON.parse(stdout).files;
    expect(files.map((file: { refs: unknown[] }) => file.refs.length)).toEqual([1, 0, 1]);
    expect(files[1].error).toBe('nested too deeply (limit 100 levels)');
  });

  it('a path holding no workflow or action file is a usage error, and a symbolic link loop is said, not followed', async () => {
    const empty = tempRepo({ 'README.md': '# nothing here\n' });
    const typo = await runCli(['scan', '--format', 'json'], empty);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout)).toEqual({
      error: { kind: 'usage', message: expect.stringMatching(/^no workflow, action or image file under /) },
    });
    const root = tempRepo({ '.github/workflows/ci.yml': `jobs:\n  a:\n    steps:\n      - uses: acme/setup@${SHA}\n` });
    symlinkSync(root, join(root, 'loop'));
    symlinkSync(join(root, 'missing-target'), join(root, 'dangling'));
    const looped = await runCli(['scan', '--format', 'json'], root);
    expect(looped.code).toBe(0);
    expect(JSON.parse(looped.stdout).notes).toEqual([
      expect.stringMatching(/dangling: skipped, the symbolic link leads nowhere$/),
      expect.stringMatching(/loop: skipped, a symbolic link back to .* \(a loop\)$/),
    ]);
    // `scan .github/workflows` finds the workflows too.
    expect((await runCli(['scan', '.github/workflows'], root)).code).toBe(0);
  });

  it('text output escapes control characters a file could use to rewrite the terminal', async () => {
    const root = tempRepo({
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - uses: "acme/setup@v1\\e[2J\\u202e"\n',
    });
    const { stdout } = await runCli(['scan'], root);
    expect(stdout).toContain('acme/setup@v1\\x1b[2J\\u{202e}');
    expect(stdout.includes('\u001b') || stdout.includes('\u202e')).toBe(false);
  });

  it('reads no file over 5 MB: a workflow is reported unreadable (failing the gate), a Dockerfile is said in a note', async () => {
    const padding = `# ${'x'.repeat(5 * 1024 * 1024)}\n`;
    const root = tempRepo({
      '.github/workflows/huge.yml': `${padding}on: push\n`,
      Dockerfile: `${padding}FROM node:20\n`,
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    const run = await runCli(['scan', '--format', 'json', '.'], root);
    const report = JSON.parse(run.stdout) as {
      files: { path: string; error?: string; refs: unknown[] }[];
      notes: string[];
    };
    expect(report.files.find((file) => file.path.endsWith('huge.yml'))).toEqual({
      path: '.github/workflows/huge.yml',
      error: 'larger than 5242880 bytes; not read',
      refs: [],
    });
    expect(report.files.find((file) => file.path.endsWith('ci.yml'))?.refs).toHaveLength(1);
    expect(report.files.some((file) => file.path === 'Dockerfile')).toBe(false);
    expect(report.notes).toContain('Dockerfile: larger than 5242880 bytes; its images were not read');
    expect(run.code).toBe(1);
  });

  it('reads no device or pipe: /dev/zero and a FIFO named on the command line are reported, never read', async () => {
    const root = tempRepo({ '.github/workflows/ci.yml': 'on: push\n' });
    const fifo = join(root, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    const run = await runCli(['scan', '--format', 'json', '/dev/zero', fifo], root);
    const report = JSON.parse(run.stdout) as { files: { path: string; error?: string }[] };
    expect(report.files.map((file) => file.error)).toEqual([
      'not a regular file (a device, a pipe or a socket); not read',
      'not a regular file (a device, a pipe or a socket); not read',
    ]);
    expect(run.code).toBe(1);
  });

  it('reports a file whose YAML does not parse and fails the gate', async () => {
    const root = tempRepo({ '.github/workflows/bad.yml': golden('broken.before.yml') });
    const { code, stdout } = await runCli(['scan', '--format', 'json'], root);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).files[0]).toMatchObject({
      path: '.github/workflows/bad.yml',
      error: expect.stringMatching(/line 5/),
      refs: [],
    });
  });

  it.each([[['scan', '--format', 'xml']], [['scan', '--bogus']], [['frobnicate']], [['scan', 'no/such/path']]])(
    'exits 2 on a usage error: %j',
    async (args) => {
      const { code, stderr } = await runCli(args, tempRepo({}));
      expect(code).toBe(2);
      expect(stderr).toMatch(/^pinwarden: /);
    },
  );

  it('prints its version', async () => {
    const { code, stdout } = await runCli(['--version'], repoRoot);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pinwarden \d+\.\d+\.\d+\n$/);
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
    expect(first.stdout).toContain(
      '8 references and 0 images pinned in 1 file; 0 still not pinned; 0 files could not be read',
    );
    const second = await runCli(['pin', '--refs', refsDir, '--format', 'json'], root);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).summary).toMatchObject({ pinned: 0, rewritten: 0 });
  });

  it('pins a one-line block scalar in place (comment on its header) and a literal expression as its value', async () => {
    const root = tempRepo({
      '.github/workflows/ci.yml':
        "jobs:\n  a:\n    steps:\n      - uses: |\n          acme/setup@v1\n      - uses: >- # setup\n          acme/setup@v1\n      - uses: ${{ 'acme/setup@v1' }}\n",
    });
    const { code } = await runCli(['pin', '--refs', refsDir], root);
    expect(code).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(
      `jobs:\n  a:\n    steps:\n      - uses: | # v1.2.3\n          acme/setup@${SHA}\n      - uses: >- # v1.2.3 setup\n          acme/setup@${SHA}\n      - uses: acme/setup@${SHA} # v1.2.3\n`,
    );
  });

  it('prints a unified diff that git apply accepts', async () => {
    const before = golden('comments-and-quotes.before.yml');
    const root = tempRepo({ '.github/workflows/ci.yml': before });
    const { stdout } = await runCli(['pin', '--refs', refsDir, '--dry-run'], root);
    const diff = stdout.slice(stdout.indexOf('diff --git'), stdout.lastIndexOf('\n\ndry run'));
    expect(diff).toMatch(
      /^diff --git a\/\.github\/workflows\/ci\.yml b\/\.github\/workflows\/ci\.yml\n--- a\/\.github\/workflows\/ci\.yml\n\+\+\+ b\/.*\n@@ -\d+,\d+ \+\d+,\d+ @@/,
    );
    spawnSync('git', ['init', '-q'], { cwd: root });
    const applied = spawnSync('git', ['apply', '-'], { cwd: root, input: `${diff}\n`, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(golden('comments-and-quotes.after.yml'));
  });

  it('writes nothing on --dry-run and prints the diff', async () => {
    const before = golden('basic.before.yml');
    const root = tempRepo({ '.github/workflows/ci.yml': before });
    const { code, stdout } = await runCli(['pin', '--refs', refsDir, '--dry-run'], root);
    expect(code).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(before);
    expect(stdout).toContain(`+      - uses: acme/setup@${SHA} # v1.2.3`);
    expect(stdout).toContain('dry run: 3 references and 0 images pinned');
  });

  it('exits 1 and says why when references stay unpinned, and leaves broken files byte-identical', async () => {
    const broken = golden('broken.before.yml');
    const root = tempRepo({
      '.github/workflows/ci.yml': golden('refs-of-every-kind.before.yml'),
      '.github/workflows/broken.yml': broken,
    });
    const { code, stdout } = await runCli(['pin', '--refs', refsDir, '--format', 'json'], root);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    const ci = report.files.find((file: { path: string }) => file.path.endsWith('ci.yml'));
    expect(ci.skipped).toContainEqual({
      line: 13,
      uses: 'acme/missing@v1',
      reason: 'repository acme/missing not found',
    });
    expect(report.files.find((file: { path: string }) => file.path.endsWith('broken.yml'))).toMatchObject({
      status: 'unreadable',
      error: expect.any(String),
    });
    expect(readFileSync(join(root, '.github/workflows/broken.yml'), 'utf8')).toBe(broken);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(golden('refs-of-every-kind.after.yml'));
  });

  it('refuses to resolve without a token or refs data, or with a malformed API URL; needs neither when nothing is to be resolved', async () => {
    const unpinned = { '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - uses: acme/setup@v1\n' };
    const { code, stderr } = await runCli(['pin'], tempRepo(unpinned));
    expect(code).toBe(2);
    expect(stderr).toContain('GITHUB_TOKEN is not set');
    const pinnedAlready = await runCli(
      ['pin'],
      tempRepo({
        '.github/workflows/ci.yml': `jobs:\n  a:\n    steps:\n      - uses: acme/setup@${SHA}\n      - uses: ./local\n`,
      }),
    );
    expect(pinnedAlready.code).toBe(0);
    expect(pinnedAlready.stdout).toContain('0 references and 0 images pinned in 0 files; 0 still not pinned');
    const badUrl = await runCli(['pin', '--api-url', 'ftp://example'], tempRepo(unpinned), { GITHUB_TOKEN: 't' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--api-url must be an http(s) URL');
  });
});

describe('the installed bin', () => {
  it('a crash inside pinwarden exits 3, never 1 (the findings code a CI gate reads)', () => {
    // A preload that breaks JSON output stands in for a bug in pinwarden.
    const breakJson = `data:text/javascript,JSON.stringify = () => { throw new Error('injected bug'); };`;
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        breakJson,
        join(repoRoot, 'bin', 'pinwarden.js'),
        'scan',
        '--format',
        'json',
        join(fixturesDir, 'golden', 'basic.before.yml'),
      ],
      { encoding: 'utf8', cwd: repoRoot },
    );
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/^pinwarden: internal error: Error: injected bug/);
  });

  it('a reader that goes away (`pinwarden scan | head`) drops the rest of the output: no crash, the exit code is the verdict', async () => {
    const args = [join(repoRoot, 'bin', 'pinwarden.js'), 'scan', join(fixturesDir, 'golden', 'basic.before.yml')];
    const verdict = spawnSync(process.execPath, args, { stdio: 'ignore' }).status;
    // The pipe's reading end is closed before pinwarden writes: every write it makes meets EPIPE.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(verdict).toBe(1);
    expect(code).toBe(verdict);
  });

  it('runs the built CLI on the runtime npm put on the PATH', () => {
    const run = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'bin', 'pinwarden.js'),
        'scan',
        '--format',
        'json',
        join(fixturesDir, 'golden', 'basic.before.yml'),
      ],
      { encoding: 'utf8', cwd: repoRoot },
    );
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).files[0].refs).toHaveLength(4);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
});
