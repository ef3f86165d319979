// The pull request's text and the decision about the branch and pull request, on plans made
// from the hand-made refs in fixtures/refs.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { planRepository } from '../../src/plan/plan-repository.js';
import type { RepositoryPlan } from '../../src/plan/plan-repository.js';
import { decidePullRequest, fingerprintTrailer, planFingerprint } from '../../src/pull-request/decide-pull-request.js';
import type { ExistingPullRequest } from '../../src/pull-request/decide-pull-request.js';
import { COMMIT_TRAILER, DOCS_URL, PR_MARKER, renderPullRequest } from '../../src/pull-request/render-pull-request.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../src/resolve/types.js';
import { fixturesDir } from '../support/paths.js';
import { linkUrls, nodeTypes, renderedText } from '../support/rendered.js';

let resolver: RefResolver;
beforeAll(async () => {
  resolver = createTableRefResolver(loadRefsDir(join(fixturesDir, 'refs')));
});

const workflow = (...uses: string[]) =>
  `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${uses.map((value) => `      - uses: ${value}\n`).join('')}`;

async function plan(files: Record<string, string>): Promise<RepositoryPlan> {
  return planRepository(
    { files: Object.entries(files).map(([path, text]) => ({ path, text })), unreadable: [], dependabot: undefined },
    DEFAULT_CONFIG,
    resolver,
  );
}

describe('renderPullRequest', () => {
  it('tables every change with links to the commit and the tag, and flags branch pins and ref confusion', async () => {
    const { body, commitMessage } = renderPullRequest({
      plan: await plan({
        '.github/workflows/ci.yml': workflow('acme/setup@v1', 'acme/deploy@v3', 'acme/setup@main', 'ghost/none@v1'),
      }),
      title: 'Pin',
      webUrl: 'https://github.example.com',
    });
    expect(body.startsWith(PR_MARKER)).toBe(true);
    expect(body).toContain('### Changes: 3 references pinned in 1 file');
    const rows = body.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^\| `\.github\/workflows\/ci\.yml` \| 6 \| `acme\/setup@v1` \| \[`acme\/setup@[0-9a-f]{40}`\]\(https:\/\/github\.example\.com\/acme\/setup\/commit\/[0-9a-f]{40}\) \[`v1\.2\.3`\]\(https:\/\/github\.example\.com\/acme\/setup\/releases\/tag\/v1\.2\.3\) \|$/,
    );
    const text = renderedText(body);
    expect(text).toContain('line 8: acme/setup@main names a branch');
    expect(text).toContain('line 7: v3 is both a tag and a branch of acme/deploy');
    expect(text).toMatch(/Left as they are\n\.github\/workflows\/ci\.yml line 9: ghost\/none@v1: /);
    expect(text).toContain('Dependabot\nAdds .github/dependabot.yml');
    expect(commitMessage.split('\n').at(-1)).toBe(COMMIT_TRAILER);
  });

  it('renders what a repository can put in a path or a value as text: no link, mention, HTML or broken table', async () => {
    const hostile = [
      '.github/workflows/a|<b>.yml',
      '.github/workflows/@octo-org-security-team.yml',
      '.github/workflows/x](javascript:alert(1))[y.yml',
      '.github/workflows/`:rocket:``.yml',
    ];
    for (const path of hostile) {
      const { body } = renderPullRequest({
        plan: await plan({ [path]: workflow('acme/setup@v1', 'evil/x@v1](https://evil.example) @admins <img src=x>') }),
        title: 'Pin',
        webUrl: 'https://github.com',
      });
      // Besides pinwarden's own marker comment, no HTML and no image.
      const types = nodeTypes(body.replace(PR_MARKER, ''));
      expect(types.has('html') || types.has('image'), path).toBe(false);
      const text = renderedText(body);
      expect(text, path).toContain(path);
      expect(text, path).toContain('evil/x@v1](https://evil.example) @admins <img src=x>');
      // Only links pinwarden made itself: to commits and tags of the pinned action, and its documentation.
      expect(
        linkUrls(body).filter(
          (link) => !link.startsWith('https://github.com/acme/setup/') && !link.startsWith(`${DOCS_URL}#`),
        ),
        path,
      ).toEqual([]);
      const table = body.split('\n').filter((line) => line.startsWith('| `'));
      expect(
        table.map((row) => row.split(/(?<!\\)\|/).length),
        path,
      ).toEqual([6]);
    }
  });

  it('stays within GitHub\u2019s 65,536-character body limit on a huge change, and says what it left out', async () => {
    const many = Array.from({ length: 3000 }, (_, index) => `acme/setup${index % 2 === 0 ? '' : '/sub'}@v1`);
    const { body } = renderPullRequest({
      plan: await plan({ '.github/workflows/big.yml': workflow(...many) }),
      title: 'Pin',
      webUrl: 'https://github.com',
    });
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/… and \d+ more, not listed here/);
  });
});

describe('decidePullRequest', () => {
  const fingerprint = planFingerprint('base', [{ path: 'a', text: 'b' }]);
  const ours = { head: 'h1', message: `Pin\n\n${COMMIT_TRAILER}\n${fingerprintTrailer(fingerprint)}` };
  const pr = (state: ExistingPullRequest['state'], extra: Partial<ExistingPullRequest> = {}): ExistingPullRequest => ({
    number: 7,
    state,
    url: 'u',
    title: 'T',
    body: 'B',
    commentBodies: [],
    ...extra,
  });
  const decide = (input: Partial<Parameters<typeof decidePullRequest>[0]>) =>
    decidePullRequest({
      trigger: 'push',
      changeCount: 1,
      fingerprint,
      branch: undefined,
      pullRequest: undefined,
      title: 'T',
      body: 'B',
      ...input,
    });

  it('creates the branch and the pull request the first time', () => {
    expect(decide({})).toEqual({ kind: 'write', branch: 'create', pullRequest: { action: 'create' } });
  });
  it('writes nothing when branch and pull request are current (a redelivery)', () => {
    expect(decide({ branch: ours, pullRequest: pr('OPEN') })).toMatchObject({
      kind: 'write',
      branch: 'current',
      pullRequest: { action: 'keep' },
    });
  });
  it('rebuilds the branch and updates the text when the plan changed', () => {
    expect(decide({ branch: ours, pullRequest: pr('OPEN', { body: 'old' }), fingerprint: 'other' })).toMatchObject({
      kind: 'write',
      branch: 'update',
      pullRequest: { action: 'update' },
    });
  });
  it('opens the pull request for a branch left by a crash', () => {
    expect(decide({ branch: ours })).toMatchObject({
      kind: 'write',
      branch: 'current',
      pullRequest: { action: 'create' },
    });
  });
  it('takes over a branch left at the default head by a run that died before committing', () => {
    const bare = { head: 'base-head', message: 'Merge pull request #3 from someone/feature' };
    expect(decide({ branch: bare, baseSha: 'base-head' })).toMatchObject({
      kind: 'write',
      branch: 'update',
      pullRequest: { action: 'create' },
    });
    // Anywhere else, the same commit is someone's work.
    expect(decide({ branch: bare, baseSha: 'newer-head' }).kind).toBe('human-commits');
  });
  it('leaves a closed pull request alone on pushes and installs, reopens it on the command', () => {
    expect(decide({ branch: ours, pullRequest: pr('CLOSED') }).kind).toBe('closed-by-user');
    expect(decide({ branch: ours, pullRequest: pr('CLOSED'), trigger: 'install' }).kind).toBe('closed-by-user');
    expect(decide({ branch: ours, pullRequest: pr('CLOSED'), trigger: 'command' })).toMatchObject({
      kind: 'write',
      pullRequest: { action: 'reopen' },
    });
  });
  it('never overwrites a commit pinwarden did not make, and notes it once', () => {
    const human = { head: 'h2', message: 'my fix' };
    const first = decide({ branch: human, pullRequest: pr('OPEN') });
    expect(first).toMatchObject({ kind: 'human-commits', alreadyNoted: false });
    if (first.kind !== 'human-commits') return;
    expect(decide({ branch: human, pullRequest: pr('OPEN', { commentBodies: [`x ${first.marker}`] }) })).toMatchObject({
      kind: 'human-commits',
      alreadyNoted: true,
    });
    expect(decide({ branch: human, trigger: 'command' }).kind).toBe('human-commits');
    // Once merged, the branch's commits are in the default branch and may be replaced.
    expect(decide({ branch: human, pullRequest: pr('MERGED') })).toMatchObject({
      kind: 'write',
      branch: 'update',
      pullRequest: { action: 'create' },
    });
  });
  it('has nothing to do without changes', () => {
    expect(decide({ changeCount: 0, pullRequest: pr('OPEN') }).kind).toBe('nothing-to-pin');
  });
  it('fingerprints the base commit and every file, in any order', () => {
    const a = planFingerprint('c1', [
      { path: 'x', text: '1' },
      { path: 'y', text: '2' },
    ]);
    expect(
      planFingerprint('c1', [
        { path: 'y', text: '2' },
        { path: 'x', text: '1' },
      ]),
    ).toBe(a);
    expect(
      planFingerprint('c2', [
        { path: 'x', text: '1' },
        { path: 'y', text: '2' },
      ]),
    ).not.toBe(a);
    expect(
      planFingerprint('c1', [
        { path: 'x', text: '1' },
        { path: 'y', text: '3' },
      ]),
    ).not.toBe(a);
  });
});
