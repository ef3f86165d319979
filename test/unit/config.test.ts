import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  deepMerge,
  isIgnoredAction,
  parseConfigText,
  validateConfig,
} from '../../src/config/pinwarden-config.js';
import { globMatcher, matchGlob, matchesAnyGlob } from '../../src/config/glob.js';
import { matchesActionGlobs } from '../../src/config/action-globs.js';
import { createConfigLoader } from '../../src/github/load-config.js';

describe('config', () => {
  it('no file means the defaults: nothing ignored, Dependabot weekly with a 7-day cooldown', () => {
    expect(validateConfig(null)).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(DEFAULT_CONFIG).toEqual({
      ignore: { paths: [], actions: [] },
      must_stay_on_tag: [],
      allow_unpinned_owners: [],
      dependabot: { enabled: true, schedule: { interval: 'weekly' }, cooldown_days: 7 },
      images: {
        enabled: true,
        mirrors: [],
        kyverno: false,
        verify: [],
        propose_signing: false,
        kyverno_path: 'kyverno/pinwarden-image-policies.yaml',
      },
      pin: { min_release_age_days: 7 },
      trust: { allow: [] },
      check: { conclusion: 'failure' },
      pull_request: { title: 'Pin GitHub Actions to commit SHAs', labels: [] },
    });
  });

  it('takes a Kyverno path only as a relative .yaml path outside the workflows folder', () => {
    for (const path of ['policies/images.yaml', 'k8s/kyverno.yml'])
      expect(validateConfig({ images: { kyverno_path: path } }).ok).toBe(true);
    for (const path of [
      '/etc/x.yaml',
      '../x.yaml',
      'a/../../x.yaml',
      './x.yaml',
      'x.json',
      '.github/workflows/policy.yml',
      'a b.yaml',
    ]) {
      const outcome = validateConfig({ images: { kyverno_path: path } });
      expect(outcome.ok ? path : outcome.problems.join()).toContain('images.kyverno_path');
    }
  });

  it('names every problem with its path', () => {
    const outcome = validateConfig({
      ignore: { path: ['x'] },
      dependabot: { cooldown_days: -1, schedule: { interval: 'hourly' } },
      pull_request: { labels: 'security' },
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([
      'ignore: unknown key `path` (did you mean `paths`?)',
      expect.stringMatching(/^dependabot\.schedule\.interval: /),
      expect.stringMatching(/^dependabot\.cooldown_days: /),
      expect.stringMatching(/^pull_request\.labels: /),
    ]);
    expect(validateConfig('just text')).toMatchObject({ ok: false });
    expect(parseConfigText(': : :\n  - [')).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^YAML error: /)],
    });
  });

  it('ignores actions by glob and by owner, case-insensitively', () => {
    const outcome = validateConfig({
      ignore: { actions: ['actions/setup-*', 'acme/monorepo/deploy/**'] },
      allow_unpinned_owners: ['My-Org'],
    });
    if (!outcome.ok) throw new Error(outcome.problems.join());
    const ignored = (owner: string, repo: string, path?: string) =>
      isIgnoredAction(outcome.config, { owner, repo, path });
    expect(ignored('actions', 'setup-node')).toBe(true);
    expect(ignored('Actions', 'Setup-Go')).toBe(true);
    expect(ignored('actions', 'checkout')).toBe(false);
    expect(ignored('my-org', 'anything')).toBe(true);
    expect(ignored('acme', 'monorepo', 'deploy/aws')).toBe(true);
    expect(ignored('acme', 'monorepo', 'build')).toBe(false);
  });

  it("globs: one config's matching is bounded for a whole run; past the budget nothing more is ignored, and that is known", () => {
    // 500 globs at the schema's limits, `**/*aaaa…b`, against a deep tree of `aaaa…a` folders.
    const globs = Array.from({ length: 500 }, (_, index) => `**/*${'a'.repeat(290)}${index}b`);
    const deep = Array.from({ length: 40 }, () => 'a'.repeat(250)).join('/');
    const ignore = globMatcher(globs, 200_000);
    const paths = Array.from({ length: 2_000 }, (_, index) => `${deep}/${'a'.repeat(200)}${index}`);
    let steps = 0;
    const counting = globMatcher(['**/x'], 1_000_000_000);
    for (const path of paths) expect(ignore.matches(path)).toBe(false);
    expect(ignore.spent()).toBe(true);
    // A budget that is not spent leaves matching as it was.
    for (const path of ['a/b/x', 'x', 'a/y']) steps += Number(counting.matches(path));
    expect(steps).toBe(2);
    expect(counting.spent()).toBe(false);
    // Once spent, a path that would match is not ignored: it is read and pinned (the safe side).
    const small = globMatcher(['**/ignored.yml', `**/*${'a'.repeat(100)}b`], 5_000);
    expect(small.matches('x/ignored.yml')).toBe(true);
    small.matches(`${'a'.repeat(300)}/${'a'.repeat(300)}`);
    expect(small.spent()).toBe(true);
    expect(small.matches('x/ignored.yml')).toBe(false);
  });

  it('globs: * and ? stay in a segment, a ** segment spans any number of them', () => {
    expect(matchesAnyGlob('.github/workflows/legacy-a.yml', ['.github/workflows/legacy-*.yml'])).toBe(true);
    expect(matchesAnyGlob('.github/workflows/x/legacy-a.yml', ['.github/workflows/legacy-*.yml'])).toBe(false);
    expect(matchGlob('a/**/b', 'a/b')).toBe(true);
    expect(matchGlob('a/**/b', 'a/x/y/b')).toBe(true);
    expect(matchGlob('a/**/b', 'a/x/y/c')).toBe(false);
    expect(matchGlob('**', 'anything/at/all')).toBe(true);
    expect(matchGlob('my-org/*', 'my-org/tool')).toBe(true);
    expect(matchGlob('my-org/*', 'my-org/tool/sub')).toBe(false);
    expect(matchGlob('v?.yml', 'v1.yml')).toBe(true);
    expect(matchGlob('v?.yml', 'v10.yml')).toBe(false);
    expect(matchGlob('a+b(c).yml', 'a+b(c).yml')).toBe(true);
    expect(matchGlob('*.yml', 'x.yaml')).toBe(false);
    expect(matchGlob('*a*b', 'xaxxb')).toBe(true);
  });

  it('answers as a regular expression of the same glob would, the written-out first segment included', () => {
    // Every glob over a small alphabet against every value: the first segment's shortcut must
    // never say no where the search would say yes (nor the reverse).
    const toRegExp = (glob: string) =>
      new RegExp(
        `^${glob
          .split('/')
          .map((segment) => (segment === '**' ? '\uE000' : segment.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
          .join('/')
          .replace(/\uE000\//g, '(?:[^/]*/)*')
          .replace(/\/\uE000/g, '(?:/[^/]*)*')
          .replace(/\uE000/g, '.*')}$`,
      );
    const globs = ['a', 'ab', 'a/b', 'a/*', 'a*/b', '*/b', 'a/**', 'a/**/b', '**/b', 'ab/?', '?b/a', 'b', 'a/b/**'];
    const values = ['a', 'ab', 'a/b', 'ab/b', 'a/c/b', 'b', 'b/a', 'abc/b', 'a/', 'ab/a', 'a/b/c', 'bb/a'];
    for (const glob of globs)
      for (const value of values) expect(matchGlob(glob, value), `${glob} ~ ${value}`).toBe(toRegExp(glob).test(value));
  });

  it('a hostile glob cannot stall the app: no backtracking blow-up on `*a*a*a…`', () => {
    // As a regular expression this pattern backtracks for longer than any test would wait.
    const hostile = `${'*a'.repeat(40)}*b`;
    expect(matchGlob(hostile, 'a'.repeat(200))).toBe(false);
    expect(matchGlob(`${'**/'.repeat(40)}x`, `${'a/'.repeat(100)}y`)).toBe(false);
    expect(validateConfig({ ignore: { paths: ['x'.repeat(301)] } })).toMatchObject({ ok: false });
  });

  it('merges `_extends` chains as context.config does: mappings deeply, lists appended', () => {
    expect(
      deepMerge(
        { pull_request: { title: 'org', labels: ['a'] }, ignore: { paths: ['x'] } },
        { pull_request: { labels: ['b'] } },
      ),
    ).toEqual({
      pull_request: { title: 'org', labels: ['a', 'b'] },
      ignore: { paths: ['x'] },
    });
  });
});

describe('loading a repository config', () => {
  const github = {} as never;
  it('refuses a config over 64 KiB with the reason, and parses a text once', async () => {
    const load = createConfigLoader();
    const big = await load(github, 'o', 'r', `ignore:\n  paths:\n${'    - "a"\n'.repeat(7_000)}`);
    expect(big).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(
          /^\.github\/pinwarden\.yml is larger than 65,536 bytes \(70,0\d\d\); pinwarden reads no config that large$/,
        ),
      ],
    });
    const text = 'ignore:\n  paths: ["legacy/*"]\n';
    const first = await load(github, 'o', 'r', text);
    expect(first.ok).toBe(true);
    // The same text (another run, another repository of the same commit's config) is not parsed again.
    expect(await load(github, 'o', 'other', text)).toBe(first);
  });
});

describe('matchesActionGlobs', () => {
  // The names every glob is matched against, as before the owner was compared first.
  const naive = (globs: readonly string[], action: { owner: string; repo: string; path: string | undefined }) => {
    const repository = `${action.owner.toLowerCase()}/${action.repo.toLowerCase()}`;
    const name = `${repository}${action.path ? `/${action.path}` : ''}`;
    return globs.some((glob) => matchGlob(glob.toLowerCase(), name) || matchGlob(glob.toLowerCase(), repository));
  };
  const globs = ['Acme/*', 'acme', 'ac*/x', '?cme/x/**', '**/sub', 'acme/x/sub', 'other/x', '*', 'acm/x', 'acme/'];
  const actions = [
    { owner: 'ACME', repo: 'X', path: undefined },
    { owner: 'acme', repo: 'x', path: 'sub' },
    { owner: 'acmex', repo: 'x', path: 'sub' },
    { owner: 'other', repo: 'x', path: undefined },
  ];

  it('agrees with matching every name, whatever the owner is written as', () => {
    for (const glob of globs)
      for (const action of actions)
        expect([glob, action, matchesActionGlobs([glob], action)]).toEqual([glob, action, naive([glob], action)]);
    expect(matchesActionGlobs(['Acme/*'], actions[0]!)).toBe(true);
    expect(matchesActionGlobs(['acme/x/sub'], actions[2]!)).toBe(false);
  });
});
