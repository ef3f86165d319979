// Chooses the tag a comment should name: the most specific release version on the commit,
// so `@v4` becomes `# v4.2.2` — what a reviewer checks and what Dependabot updates.
import { memoByString } from '../common/string-memo.js';

const RELEASE_VERSION = /^(v?)(\d+(?:\.\d+)*)$/;

interface ParsedVersion {
  readonly name: string;
  readonly prefix: string;
  readonly parts: readonly number[];
}

// Remembered: the same few tag names are parsed for every reference of every file.
const parseVersion = memoByString((name: string): ParsedVersion | undefined => {
  const match = RELEASE_VERSION.exec(name);
  if (!match) return undefined;
  return { name, prefix: match[1] ?? '', parts: (match[2] ?? '').split('.').map(Number) };
});

/**
 * Among the tags on one commit, the release version that refines `ref` best: it extends the
 * ref (`v4` → `v4.2.2`), shares its `v` prefix, has the most components, then the highest
 * number. Falls back to `ref` itself when it is one of the tags, then to undefined.
 */
export function mostSpecificVersionTag(ref: string, tagsOnCommit: readonly string[]): string | undefined {
  // Remembered for each list of tags (a resolution's, shared by every reference to its commit),
  // for a few names each: a file of a thousand comments must not grow the memory.
  let choose = chosen.get(tagsOnCommit);
  if (!choose) chosen.set(tagsOnCommit, (choose = memoByString((name) => chooseAmong(name, tagsOnCommit), 64)));
  return choose(ref);
}

const chosen = new WeakMap<readonly string[], (ref: string) => string | undefined>();

function chooseAmong(ref: string, tagsOnCommit: readonly string[]): string | undefined {
  const wanted = parseVersion(ref);
  const candidates = tagsOnCommit.flatMap((tag) => parseVersion(tag) ?? []);
  const ranked = candidates.toSorted((a, b) => compareCandidates(b, a, wanted));
  const best = ranked[0];
  if (best) return best.name;
  return tagsOnCommit.includes(ref) ? ref : undefined;
}

function compareCandidates(a: ParsedVersion, b: ParsedVersion, wanted: ParsedVersion | undefined): number {
  if (wanted) {
    const extendsDiff = Number(refines(a, wanted)) - Number(refines(b, wanted));
    if (extendsDiff !== 0) return extendsDiff;
    const prefixDiff = Number(a.prefix === wanted.prefix) - Number(b.prefix === wanted.prefix);
    if (prefixDiff !== 0) return prefixDiff;
  } else {
    const prefixDiff = Number(a.prefix === 'v') - Number(b.prefix === 'v');
    if (prefixDiff !== 0) return prefixDiff;
  }
  if (a.parts.length !== b.parts.length) return a.parts.length - b.parts.length;
  for (let index = 0; index < a.parts.length; index += 1) {
    const diff = (a.parts[index] ?? 0) - (b.parts[index] ?? 0);
    if (diff !== 0) return diff;
  }
  // Same numbers, different spelling: a stable order keeps output deterministic.
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

function refines(candidate: ParsedVersion, wanted: ParsedVersion): boolean {
  return wanted.parts.every((part, index) => candidate.parts[index] === part);
}

export function isReleaseVersion(name: string): boolean {
  return RELEASE_VERSION.test(name);
}

/** The `v` twin of a tag name: `0.33.1` ↔ `v0.33.1` (trivy-action re-created its tags with a `v`). */
export function twinOf(tag: string): string {
  return tag.startsWith('v') ? tag.slice(1) : `v${tag}`;
}
