// Path and action globs from user config: `*` and `?` stay within one path segment, a `**`
// segment spans any number of segments (none included). Matched without regular expressions:
// a config file is input from whoever can push to a repository, and a backtracking regex built
// from `*a*a*a*…` would let one of them stall the app for every installation. Segments are
// matched with the two-pointer wildcard algorithm and `**` by memoised search over segments,
// both polynomial. Case-sensitive; callers lowercase action names (GitHub's are case-insensitive).

/** One segment against one pattern segment with `*` (any run) and `?` (one character). */
function matchSegment(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      resume = t;
      p += 1;
    } else if (star >= 0) {
      // Let the last `*` take one more character and try again from there.
      p = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

export function matchGlob(glob: string, value: string): boolean {
  // Repeated `**` segments mean the same as one.
  const patterns = glob.split('/').filter((segment, index, all) => !(segment === '**' && all[index - 1] === '**'));
  const segments = value.split('/');
  const memo = new Map<number, boolean>();
  const from = (i: number, j: number): boolean => {
    const key = i * (segments.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === patterns.length) result = j === segments.length;
    else if (patterns[i] === '**') result = from(i + 1, j) || (j < segments.length && from(i, j + 1));
    else result = j < segments.length && matchSegment(patterns[i]!, segments[j]!) && from(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return from(0, 0);
}

export function matchesAnyGlob(value: string, globs: readonly string[]): boolean {
  return globs.some((glob) => matchGlob(glob, value));
}
