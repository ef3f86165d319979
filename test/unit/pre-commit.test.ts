// pre-commit's hooks from GitHub: each `rev:` tag pinned to its commit in pre-commit's frozen form,
// every other byte kept, a line that cannot take the comment left with its commit said, the
// Dependabot entry for the ecosystem added, and the pull request saying what changed.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';
import { planRepository } from '../../src/plan/plan-repository.js';
import { freezePreCommit } from '../../src/pre-commit/pin-pre-commit.js';
import type { RefRequest } from '../../src/resolve/types.js';
import { renderPullRequest } from '../../src/pull-request/render-pull-request.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../src/resolve/types.js';
import { fixturesDir } from '../support/paths.js';
import { renderedText } from '../support/rendered.js';

const CONFIG = [
  '# hooks run before every commit',
  'repos:',
  '  - repo: https://github.com/acme/setup',
  '    rev: v1 # keep in step with CI',
  '    hooks: [{id: fmt}]',
  '  - repo: https://github.com/acme/deploy.git',
  "    rev: 'v3'",
  '    hooks:',
  '      - id: lint',
  '  - repo: local',
  '    hooks: [{id: own, name: own, entry: ./own, language: script}]',
  '  - repo: https://gitlab.com/acme/other',
  '    rev: v1.0.0',
  '    hooks: [{id: x}]',
  '',
].join('\r\n');

let resolver: RefResolver;
beforeAll(async () => {
  resolver = createTableRefResolver(loadRefsDir(join(fixturesDir, 'refs')));
});

describe('pre-commit hooks', () => {
  it('freezes each GitHub rev to its commit as `pre-commit autoupdate --freeze` writes it, every other byte kept', async () => {
    const requests: RefRequest[] = [];
    const recording: RefResolver = {
      resolve: (asked) => {
        requests.push(...asked);
        return resolver.resolve(asked);
      },
    };
    const pinned = await freezePreCommit(CONFIG, recording);
    expect(requests).toEqual([
      { owner: 'acme', repo: 'setup', ref: 'v1' },
      { owner: 'acme', repo: 'deploy', ref: 'v3' },
    ]);
    if (pinned.status !== 'rewritten') throw new Error(pinned.status);
    const lines = pinned.text.split('\r\n');
    expect(lines[3]).toBe('    rev: v1 # keep in step with CI');
    expect(lines[6]).toMatch(/^ {4}rev: '[0-9a-f]{40}' {2}# frozen: v3$/);
    expect(pinned.text.replace(/'[0-9a-f]{40}' {2}# frozen: v3/, "'v3'")).toBe(CONFIG);
    expect(pinned.entries.map((entry) => entry.action)).toEqual(['skip', 'pin']);
    expect(pinned.entries[0]).toMatchObject({
      reason: expect.stringMatching(/cannot take the .*its commit is `[0-9a-f]{40}`/),
    });
    // Frozen already: nothing more to do.
    expect((await freezePreCommit(pinned.text, resolver)).status).toBe('unchanged');
  });

  it('is pinned in the repository’s pull request, with the pre-commit Dependabot entry', async () => {
    const plan = await planRepository(
      {
        files: [],
        unreadable: [],
        dependabot: undefined,
        preCommit: { path: '.pre-commit-config.yaml', text: CONFIG },
      },
      DEFAULT_CONFIG,
      resolver,
    );
    expect(plan.changes.map((change) => change.path)).toEqual(['.pre-commit-config.yaml', '.github/dependabot.yml']);
    const dependabot = parse(plan.changes[1]!.text) as { updates: Record<string, unknown>[] };
    expect(dependabot.updates.map((entry) => [entry['package-ecosystem'], entry.directory])).toEqual([
      ['pre-commit', '/'],
    ]);
    const body = renderedText(renderPullRequest({ plan, title: 'Pin', webUrl: 'https://github.com' }).body);
    expect(body).toContain('pre-commit hooks: 1 rev frozen to a commit');
    expect(body).toMatch(/acme\/deploy line 7: v3 → [0-9a-f]{40} {2}# frozen: v3/);
  });
});

describe('pinwarden pin', () => {
  it('freezes the revs of the repository’s .pre-commit-config.yaml with the actions', async () => {
    const { tempRepo } = await import('../support/temp-repo.js');
    const { runCli } = await import('../support/run-cli.js');
    const { readFileSync } = await import('node:fs');
    const root = tempRepo({ '.pre-commit-config.yaml': CONFIG });
    const { code, stdout } = await runCli(['pin', '--refs', join(fixturesDir, 'refs'), '--format', 'json'], root);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      preCommit: { path: string; line: number; before: string; after: string }[];
      notes: string[];
    };
    expect(report.preCommit).toEqual([
      {
        path: '.pre-commit-config.yaml',
        line: 7,
        before: 'v3',
        after: expect.stringMatching(/^[0-9a-f]{40} {2}# frozen: v3$/),
      },
    ]);
    expect(report.notes).toContainEqual(expect.stringContaining('.pre-commit-config.yaml:4 v1 left as it is'));
    expect(readFileSync(join(root, '.pre-commit-config.yaml'), 'utf8')).toMatch(
      /rev: '[0-9a-f]{40}' {2}# frozen: v3\r\n/,
    );
  });
});
