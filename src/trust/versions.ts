// Release versions as trust reads them: a full version is `X.Y.Z` (a `v` and a pre-release
// suffix allowed); `v1.2.3`, `1.2.3` and `v1.2.3-rc.1` are the same release for counting.

const FULL_VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const FLOATING = /^v?(\d+)(?:\.(\d+))?$/;

export interface FullVersion {
  readonly parts: readonly [number, number, number];
  readonly prerelease: string | undefined;
}

export function fullVersion(tag: string): FullVersion | undefined {
  const match = FULL_VERSION.exec(tag);
  if (!match) return undefined;
  return { parts: [Number(match[1]), Number(match[2]), Number(match[3])], prerelease: match[4] };
}

/** `v3` or `v3.1`: a line of releases that moves on with each of them. */
export function floatingParts(ref: string): readonly number[] | undefined {
  const match = FLOATING.exec(ref);
  if (!match) return undefined;
  return match[2] === undefined ? [Number(match[1])] : [Number(match[1]), Number(match[2])];
}

/** The release a tag names, twins and pre-releases folded: `v1.2.3-rc.1` → `1.2.3`. */
export function releaseKey(tag: string): string | undefined {
  return fullVersion(tag)?.parts.join('.');
}

export function isFullVersion(tag: string): boolean {
  return FULL_VERSION.test(tag);
}

export function compareFull(a: FullVersion, b: FullVersion): number {
  return Math.sign(a.parts[0] - b.parts[0] || a.parts[1] - b.parts[1] || a.parts[2] - b.parts[2]);
}

/** Whether a full version belongs to a floating line (`v3.1.4` to `v3` and `v3.1`). */
export function inLine(version: FullVersion, line: readonly number[]): boolean {
  return line.every((part, index) => version.parts[index] === part);
}
