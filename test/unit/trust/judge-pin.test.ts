import { describe, expect, it } from 'vitest';
import { judgePin } from '../../../src/trust/judge-pin.js';
import type { PinCandidate, TrustContext } from '../../../src/trust/judge-pin.js';
import { ancestryKey } from '../../../src/trust/types.js';
import type { RepositoryTrust } from '../../../src/trust/types.js';

const sha = (n: number) => n.toString(16).padStart(40, '0');
const NOW = Date.parse('2026-12-01T00:00:00Z');
const days = (n: number) => new Date(NOW - n * 86_400_000).toISOString();
const context = (over: Partial<TrustContext> = {}): TrustContext => ({
  now: NOW,
  policy: { minReleaseAgeDays: 7, allow: [] },
  isKnownGood: () => false,
  ...over,
});

function facts(over: Partial<RepositoryTrust> = {}): RepositoryTrust {
  return {
    repository: 'acme/tool',
    tags: [],
    releases: [],
    commitDates: new Map(),
    containment: new Map(),
    ancestry: new Map(),
    firstSeen: new Map(),
    ...over,
  };
}

function candidate(over: Partial<PinCandidate> = {}): PinCandidate {
  return {
    repository: 'acme/tool',
    requested: 'v1',
    refType: 'tag',
    sha: sha(9),
    label: 'v1.3.0',
    tagsOnCommit: ['v1', 'v1.3.0'],
    ...over,
  };
}

const checks = (judgement: ReturnType<typeof judgePin>) =>
  judgement.verdicts.map((verdict) => `${verdict.check}:${verdict.held ? 'held' : 'pinned'}`);

describe('judgePin', () => {
  it.each([
    [
      'a tag on a commit no ref holds',
      { containment: new Map([[sha(9), 'not-contained' as const]]) },
      {},
      ['impostor-tag:held'],
    ],
    ['a tag on a commit some ref holds', { containment: new Map([[sha(9), 'contained' as const]]) }, {}, []],
    ['containment not known', {}, {}, []],
    [
      'a branch tip (never an impostor tag)',
      { containment: new Map([[sha(9), 'not-contained' as const]]) },
      { refType: 'branch' as const, requested: 'main', label: undefined },
      [],
    ],
  ])('impostor-tag: %s', (_name, given, over, expected) => {
    expect(checks(judgePin(candidate(over), facts(given), context()))).toEqual(expected);
  });

  it.each([
    ['five releases on one commit', ['v2.0.0', 'v2.1.0', 'v2.2.0', 'v2.3.0', 'v2.4.0'], ['mass-retag:held']],
    ['three releases', ['v2.0.0', 'v2.1.0', 'v2.2.0'], ['mass-retag:held']],
    ['two releases', ['v2.0.0', 'v2.1.0'], []],
    ['v twins and pre-releases of one version count once', ['v2.0.0', '2.0.0', 'v2.0.0-rc.1', 'v2.1.0', '2.1.0'], []],
    ['floating tags are not releases', ['v2', 'v2.1', 'latest', 'v2.1.0'], []],
  ])('mass-retag: %s', (_name, names, expected) => {
    const tags = names.map((name) => ({ name, commit: sha(9) }));
    expect(
      checks(
        judgePin(candidate({ requested: 'v2', label: names.at(-1), tagsOnCommit: names }), facts({ tags }), context()),
      ),
    ).toEqual(expected);
  });

  it('mass-retag: a commit the known-compromised data lists as good is not held', () => {
    const tags = ['v45.0.5', 'v45.0.6', 'v45.0.7'].map((name) => ({ name, commit: sha(9) }));
    const good = judgePin(
      candidate({ requested: 'v45.0.7', label: 'v45.0.7', tagsOnCommit: [] }),
      facts({ tags }),
      context({ isKnownGood: (repository, commit) => repository === 'acme/tool' && commit === sha(9) }),
    );
    expect(good.held).toBe(false);
  });

  it.each([
    ['BEHIND', ['release-not-descendant:pinned']],
    ['DIVERGED', ['release-not-descendant:pinned']],
    ['AHEAD', []],
    ['IDENTICAL', []],
  ] as const)('release-not-descendant: compare says %s', (status, expected) => {
    const tags = [
      { name: 'v1.1.0', commit: sha(1) },
      { name: 'v1.2.0', commit: sha(2) },
      { name: 'v1.3.0', commit: sha(9) },
      { name: 'v0.9.0', commit: sha(3) },
    ];
    const judgement = judgePin(
      candidate(),
      facts({ tags, ancestry: new Map([[ancestryKey('v1.2.0', sha(9)), status]]) }),
      context(),
    );
    expect(checks(judgement)).toEqual(expected);
    if (expected.length > 0)
      expect(judgement.verdicts[0]).toMatchObject({
        severity: 'high',
        evidence: { previous: 'v1.2.0', compare: status },
      });
  });

  it('release-not-descendant: trust.allow silences it for that action', () => {
    const tags = [
      { name: 'v1.2.0', commit: sha(2) },
      { name: 'v1.3.0', commit: sha(9) },
    ];
    const given = facts({ tags, ancestry: new Map([[ancestryKey('v1.2.0', sha(9)), 'DIVERGED']]) });
    expect(
      checks(judgePin(candidate(), given, context({ policy: { minReleaseAgeDays: 7, allow: ['acme/*'] } }))),
    ).toEqual([]);
    expect(
      checks(judgePin(candidate(), given, context({ policy: { minReleaseAgeDays: 7, allow: ['other/*'] } }))),
    ).toEqual(['release-not-descendant:pinned']);
  });

  describe('fresh-release', () => {
    const tags = [
      { name: 'v3.0.0', commit: sha(1) },
      { name: 'v3.1.0', commit: sha(2) },
      { name: 'v3.2.0', commit: sha(9) },
    ];
    const releases = [
      { tag: 'v3.2.0', publishedAt: days(1), immutable: true },
      { tag: 'v3.1.0', publishedAt: days(5), immutable: false },
      { tag: 'v3.0.0', publishedAt: days(30), immutable: true },
    ];

    it('pins a floating ref to the newest release of its line old enough, and says why', () => {
      const judgement = judgePin(candidate({ requested: 'v3', label: 'v3.2.0' }), facts({ tags, releases }), context());
      expect(judgement.pinInstead).toEqual({ tag: 'v3.0.0', sha: sha(1) });
      expect(judgement.immutable).toBe(true);
      expect(judgement.verdicts[0]?.message).toMatch(
        /^v3\.2\.0 is 1 day old; pinned v3\.0\.0, .*Dependabot proposes v3\.2\.0 after its cooldown/,
      );
    });

    it('pins a version asked for by name as asked, with the finding', () => {
      const judgement = judgePin(
        candidate({ requested: 'v3.2.0', label: 'v3.2.0' }),
        facts({ tags, releases }),
        context(),
      );
      expect(judgement.pinInstead).toBeUndefined();
      expect(checks(judgement)).toEqual(['fresh-release:pinned']);
      expect(judgement.verdicts[0]?.message).toContain('asked for by name');
    });

    it('without any release, judges by the commit date and says it is unverified', () => {
      const judgement = judgePin(
        candidate({ requested: 'v3.2.0', label: 'v3.2.0' }),
        facts({ tags, releases: [], commitDates: new Map([[sha(9), days(2)]]) }),
        context(),
      );
      expect(judgement.verdicts[0]?.message).toContain('unverified');
      expect(judgement.verdicts[0]?.evidence).toMatchObject({ ageFrom: 'commit-date' });
    });

    it('says nothing of a release old enough, or when the policy is 0 days', () => {
      expect(
        judgePin(candidate({ requested: 'v3.0.0', label: 'v3.0.0', sha: sha(1) }), facts({ tags, releases }), context())
          .verdicts,
      ).toEqual([]);
      expect(
        judgePin(
          candidate({ requested: 'v3', label: 'v3.2.0' }),
          facts({ tags, releases }),
          context({ policy: { minReleaseAgeDays: 0, allow: [] } }),
        ).verdicts,
      ).toEqual([]);
    });

    it('holds the line when the older release it would fall back to is held', () => {
      const judgement = judgePin(
        candidate({ requested: 'v3', label: 'v3.2.0' }),
        facts({ tags, releases, containment: new Map([[sha(1), 'not-contained']]) }),
        context(),
      );
      expect(judgement.held).toBe(true);
      expect(judgement.pinInstead).toBeUndefined();
      expect(checks(judgement)).toEqual(['fresh-release:pinned', 'impostor-tag:held']);
    });
  });

  it('tag-moved-since-seen: a release tag that names another commit than when first seen is held', () => {
    const tags = [{ name: 'v1.3.0', commit: sha(9) }];
    expect(checks(judgePin(candidate(), facts({ tags, firstSeen: new Map([['v1.3.0', sha(4)]]) }), context()))).toEqual(
      ['tag-moved-since-seen:held'],
    );
    expect(checks(judgePin(candidate(), facts({ tags, firstSeen: new Map([['v1.3.0', sha(9)]]) }), context()))).toEqual(
      [],
    );
  });

  it('a commit named by SHA, or no facts, is not judged', () => {
    expect(
      judgePin(
        candidate({ refType: 'commit' }),
        facts({ containment: new Map([[sha(9), 'not-contained']]) }),
        context(),
      ).verdicts,
    ).toEqual([]);
    expect(judgePin(candidate(), undefined, context()).held).toBe(false);
  });
});
