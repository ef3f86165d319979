import { describe, expect, it } from 'vitest';
import { fullReleases, publishedRelease, tagsNaming } from '../../../src/trust/listing-index.js';

const sha = (n: number) => n.toString(16).padStart(40, '0');

describe("a listing's index", () => {
  const tags = [
    { name: 'v2', commit: sha(2) },
    { name: 'v2.0.0', commit: sha(2) },
    { name: 'v2.1.0-rc.1', commit: sha(3) },
    { name: 'v1.0.0', commit: sha(1) },
    { name: 'latest', commit: sha(2) },
  ];

  it('names the tags on a commit in the listing order, and none on another', () => {
    expect(tagsNaming(tags, sha(2))).toEqual(['v2', 'v2.0.0', 'latest']);
    expect(tagsNaming(tags, sha(9))).toEqual([]);
  });

  it('keeps full versions only, pre-releases left out', () => {
    expect(fullReleases(tags).map(({ tag }) => tag.name)).toEqual(['v2.0.0', 'v1.0.0']);
    expect(fullReleases(tags)[0]!.version.parts).toEqual([2, 0, 0]);
  });

  it('answers for the array it is given: another listing has its own index', () => {
    expect(tagsNaming(tags, sha(1))).toEqual(['v1.0.0']);
    const moved = tags.map((tag) => (tag.name === 'v1.0.0' ? { ...tag, commit: sha(7) } : tag));
    expect(tagsNaming(moved, sha(1))).toEqual([]);
    expect(tagsNaming(moved, sha(7))).toEqual(['v1.0.0']);
  });

  it("finds a tag's first release that is not a draft", () => {
    const releases = [
      { tag: 'v2.0.0', publishedAt: undefined, immutable: false, draft: true },
      { tag: 'v2.0.0', publishedAt: '2026-01-02T00:00:00Z', immutable: true },
      { tag: 'v2.0.0', publishedAt: '2026-01-03T00:00:00Z', immutable: false },
      { tag: 'v1.0.0', publishedAt: undefined, immutable: false, draft: true },
    ];
    expect(publishedRelease(releases, 'v2.0.0')).toBe(releases[1]);
    expect(publishedRelease(releases, 'v1.0.0')).toBeUndefined();
    expect(publishedRelease(releases, 'v9.0.0')).toBeUndefined();
  });
});
