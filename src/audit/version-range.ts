// Version ranges as advisories and the compromise data write them (`<= 45.0.7`,
// `>= 0.0.1 <= 0.34.2`, `>= 1.0, < 2.0`), evaluated against a tag name (`v` prefix optional).
// Missing parts count as zero; pre-release suffixes are ignored. A tag that is not a version
// is in no range.
import { memoByString } from '../common/string-memo.js';

const COMPARATOR = /(>=|<=|>|<|=)?\s*v?(\d+(?:\.\d+)*)/g;

/** Remembered: every reference asks it of every tag on its commit. */
export const parseVersion = memoByString((tag: string): readonly number[] | undefined => {
  const match = /^v?(\d+(?:\.\d+)*)(?:[-+].*)?$/.exec(tag.trim());
  return match ? match[1]!.split('.').map(Number) : undefined;
});

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

export function inVersionRange(tag: string, range: string): boolean {
  const version = parseVersion(tag);
  if (!version) return false;
  const comparators = [...range.matchAll(COMPARATOR)];
  if (comparators.length === 0) return false;
  return comparators.every(([, operator = '=', bound = '']) => {
    const order = compareVersions(version, bound.split('.').map(Number));
    switch (operator) {
      case '>=':
        return order >= 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '<':
        return order < 0;
      default:
        return order === 0;
    }
  });
}
