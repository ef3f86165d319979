import { describe, expect, it } from 'vitest';
import { createPinTrust } from '../../../src/trust/pin-trust.js';
import type { PinCandidate } from '../../../src/trust/judge-pin.js';
import { createTableTrustSource } from '../../../src/trust/table-trust-source.js';
import type { CompareQuestion, TrustSource } from '../../../src/trust/sources.js';
import { createMemorySeenTags } from '../../../src/trust/seen-tags.js';
import type { RepoRefs } from '../../../src/resolve/repo-refs.js';
import { DEFAULT_TRUST_POLICY } from '../../../src/trust/types.js';

const sha = (n: number) => n.toString(16).padStart(40, '0');

/** main: 1 ← 2; branch `old`: 1 ← 3; fork only: 1 ← 4. */
const refs: RepoRefs = {
  repo: 'acme/tool',
  default_branch: 'main',
  head: sha(2),
  tags: [
    { name: 'v1.0.0', sha: sha(1), tag_object_sha: null },
    { name: 'v1.1.0', sha: sha(3), tag_object_sha: null },
    { name: 'v1.2.0', sha: sha(4), tag_object_sha: null },
  ],
  branches: [
    { name: 'main', sha: sha(2) },
    { name: 'old', sha: sha(5) },
  ],
  commits: [
    { sha: sha(1), reachable: true, parents: [] },
    { sha: sha(2), reachable: true, parents: [sha(1)] },
    { sha: sha(3), reachable: true, parents: [sha(1)] },
    { sha: sha(5), reachable: true, parents: [sha(3)] },
    { sha: sha(4), reachable: false, parents: [sha(1)] },
  ],
};

function counted(source: TrustSource) {
  const asked: CompareQuestion[][] = [];
  let listings = 0;
  return {
    asked,
    listings: () => listings,
    source: {
      listings: (wanted) => {
        listings += 1;
        return source.listings(wanted);
      },
      compare: (questions) => {
        asked.push([...questions]);
        return source.compare(questions);
      },
    } satisfies TrustSource,
  };
}

const candidate = (requested: string, commit: string): PinCandidate => ({
  repository: 'acme/tool',
  requested,
  refType: 'tag',
  sha: commit,
  label: requested,
  tagsOnCommit: [requested],
});

describe('createPinTrust', () => {
  it('asks the default branch first, other refs only for a commit it does not hold, and holds a fork-only commit', async () => {
    const { source, asked, listings } = counted(createTableTrustSource([refs]));
    const trust = createPinTrust(source, { isKnownGood: () => false });
    const [inMain, onOtherBranch, forkOnly] = await trust.judge(
      [candidate('v1.0.0', sha(1)), candidate('v1.1.0', sha(3)), candidate('v1.2.0', sha(4))],
      DEFAULT_TRUST_POLICY,
    );
    expect(inMain?.held).toBe(false);
    expect(onOtherBranch?.held).toBe(false);
    expect(forkOnly?.verdicts.map((verdict) => [verdict.check, verdict.held])).toEqual([
      ['impostor-tag', true],
      ['release-not-descendant', false],
    ]);
    expect(listings()).toBe(1);
    // Round one: the default branch for the three commits, with the releases before v1.1.0 and v1.2.0; round two: the other refs of the two left.
    expect(
      asked[0]!.filter((question) => question.base === 'refs/heads/main').map((question) => question.head),
    ).toEqual([sha(1), sha(3), sha(4)]);
    expect(
      asked[0]!
        .filter((question) => question.base.startsWith('refs/tags/'))
        .map((question) => `${question.base}..${question.head}`),
    ).toEqual([`refs/tags/v1.0.0..${sha(3)}`, `refs/tags/v1.1.0..${sha(4)}`]);
    expect(asked[1]!.map((question) => question.head).sort()).toEqual([sha(3), sha(3), sha(3), sha(4), sha(4), sha(4)]);
    expect(asked.length).toBe(2);
  });

  it('keeps containment per commit: a second judgement asks nothing more of compare', async () => {
    const { source, asked } = counted(createTableTrustSource([refs]));
    const trust = createPinTrust(source, { isKnownGood: () => false });
    const [first] = await trust.judge([candidate('v1.2.0', sha(4))], DEFAULT_TRUST_POLICY);
    const containmentQuestions = () =>
      asked.flat().filter((question) => question.base.startsWith('refs/heads/') || question.base !== 'refs/tags/v1.1.0')
        .length;
    const before = containmentQuestions();
    const [second] = await trust.judge([candidate('v1.2.0', sha(4))], DEFAULT_TRUST_POLICY);
    expect(before).toBeGreaterThan(0);
    expect(containmentQuestions()).toBe(before);
    expect(second?.verdicts).toEqual(first?.verdicts);
  });

  it('remembers the first commit of each release tag, and holds one that moved', async () => {
    const seen = createMemorySeenTags();
    const trust = createPinTrust(createTableTrustSource([refs]), { isKnownGood: () => false, seen });
    expect((await trust.judge([candidate('v1.0.0', sha(1))], DEFAULT_TRUST_POLICY))[0]?.held).toBe(false);
    const moved: RepoRefs = {
      ...refs,
      tags: refs.tags.map((tag) => (tag.name === 'v1.0.0' ? { ...tag, sha: sha(2) } : tag)),
    };
    const after = createPinTrust(createTableTrustSource([moved]), { isKnownGood: () => false, seen });
    const [judgement] = await after.judge([candidate('v1.0.0', sha(2))], DEFAULT_TRUST_POLICY);
    expect(judgement?.verdicts.map((verdict) => [verdict.check, verdict.held])).toEqual([
      ['tag-moved-since-seen', true],
    ]);
    expect(judgement?.verdicts[0]?.evidence).toMatchObject({ moved: [{ tag: 'v1.0.0', before: sha(1), now: sha(2) }] });
  });

  it('judges nothing for a repository it cannot list', async () => {
    const trust = createPinTrust(createTableTrustSource([]), { isKnownGood: () => false });
    expect(await trust.judge([candidate('v1.0.0', sha(1))], DEFAULT_TRUST_POLICY)).toEqual([undefined]);
  });
});
