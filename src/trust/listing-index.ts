// What judging asks of a listing's tags and releases, worked out once per listing. A listing is
// read once and kept (an install of 10,000 repositories judged ~150,000 pins against three), and
// each judgement scanned and parsed every tag three or four times: 18 % of what the App's thread
// allocated at 10,000 repositories. Listings are never changed, so the index is kept beside the
// array it indexes and goes with it.
import { memoByObject } from '../common/object-memo.js';
import { fullVersion } from './versions.js';
import type { FullVersion } from './versions.js';
import type { ReleaseFacts } from './types.js';

type Tag = { readonly name: string; readonly commit: string };

interface TagIndex {
  /** The tags naming each commit, in the listing's order. */
  readonly onCommit: ReadonlyMap<string, readonly string[]>;
  /** The full versions that are not pre-releases, in the listing's order. */
  readonly releases: readonly { readonly tag: Tag; readonly version: FullVersion }[];
}

export function tagsNaming(tags: readonly Tag[], sha: string): readonly string[] {
  return tagIndex(tags).onCommit.get(sha) ?? [];
}

export function fullReleases(tags: readonly Tag[]): TagIndex['releases'] {
  return tagIndex(tags).releases;
}

/** The first release (not a draft) made from `tag`, as the listing orders them. */
export function publishedRelease(releases: readonly ReleaseFacts[], tag: string): ReleaseFacts | undefined {
  return releaseIndex(releases).get(tag);
}

const releaseIndex = memoByObject((releases: readonly ReleaseFacts[]): ReadonlyMap<string, ReleaseFacts> => {
  const index = new Map<string, ReleaseFacts>();
  for (const release of releases) if (!release.draft && !index.has(release.tag)) index.set(release.tag, release);
  return index;
});

const tagIndex = memoByObject((tags: readonly Tag[]): TagIndex => {
  const onCommit = new Map<string, string[]>();
  const releases: { tag: Tag; version: FullVersion }[] = [];
  for (const tag of tags) {
    const names = onCommit.get(tag.commit);
    if (names) names.push(tag.name);
    else onCommit.set(tag.commit, [tag.name]);
    const version = fullVersion(tag.name);
    if (version && !version.prerelease) releases.push({ tag, version });
  }
  return { onCommit, releases };
});
