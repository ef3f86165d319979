// `pinwarden scan` starts fast because it loads only what it uses: no Octokit, no resolver, no
// audit data, no schema library, no Dockerfile parser for a workflow. Checked on the built CLI in a
// child process, with a module hook that lists every package it resolves.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from '../support/paths.js';

const HOOK = `import { registerHooks } from 'node:module';
registerHooks({ resolve(specifier, context, next) { const resolved = next(specifier, context); const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(resolved.url); if (match) process.stderr.write('package ' + match[1] + '\\n'); return resolved; } });`;

function packagesLoaded(args: string[]): Set<string> {
  // Whatever the exit code (a dry run with nothing left unpinned exits 0), the hook's lines are read.
  const { stderr } = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(HOOK)}`, join(repoRoot, 'bin', 'pinwarden.js'), ...args],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Set([...stderr.matchAll(/^package (\S+)$/gm)].map((match) => match[1]!));
}

describe('what scan loads', () => {
  it('reads a workflow with the YAML parser alone, and a Dockerfile with its parser on demand', () => {
    const workflow = packagesLoaded([
      'scan',
      join(fixturesDir, 'demo', 'sample-repo', '.github', 'workflows', 'ci.yml'),
    ]);
    expect(workflow.has('yaml')).toBe(true);
    for (const heavy of ['@octokit/core', '@octokit/rest', 'probot', 'zod', 'dockerfile-ast', 'p-queue'])
      expect(workflow.has(heavy), heavy).toBe(false);
    expect(
      packagesLoaded(['scan', join(fixturesDir, 'images', 'repo', 'services', 'api', 'Dockerfile')]).has(
        'dockerfile-ast',
      ),
    ).toBe(true);
  });
});

describe('what pin loads', () => {
  it('does not load the App’s network guard (undici) nor its signature verification', () => {
    const loaded = packagesLoaded([
      'pin',
      '--dry-run',
      '--refs',
      join(fixturesDir, 'demo', 'refs'),
      join(fixturesDir, 'demo', 'sample-repo'),
    ]);
    expect(loaded.has('yaml')).toBe(true);
    for (const appOnly of ['undici', '@sigstore/verify', '@sigstore/tuf', 'probot', 'ioredis', 'bullmq'])
      expect(loaded.has(appOnly), appOnly).toBe(false);
  });

  it('offline, loads no schema library (the shipped data is held to its schema by the tests), no registry client, and no diff library unless it prints diffs', () => {
    const args = [
      'pin',
      '--dry-run',
      '--refs',
      join(fixturesDir, 'demo', 'refs'),
      join(fixturesDir, 'demo', 'sample-repo'),
    ];
    const json = packagesLoaded([...args, '--format', 'json']);
    expect(json.has('yaml')).toBe(true);
    for (const unused of ['zod', 'p-queue', 'diff', 're2js']) expect(json.has(unused), unused).toBe(false);
    const text = packagesLoaded(args);
    expect(text.has('diff')).toBe(true);
    expect(text.has('zod')).toBe(false);
    // Given a registry data file, its schema is loaded to check it.
    expect(packagesLoaded([...args, '--registry-data', join(fixturesDir, 'demo', 'registry.json')]).has('zod')).toBe(
      true,
    );
  });
});
