// Path and action globs from user config: `*` and `?` stay within one path segment, a `**`
// segment spans any number of segments (none included). Matched without regular expressions:
// a config file is input from whoever can push to a repository, and a backtracking regex built
// from `*a*a*a*…` would let one of them stall the app for every installation. Segments are
// matched with the two-pointer wildcard algorithm and `**` by memoised search over segments,
// both polynomial. Case-sensitive; callers lowercase action names (GitHub's are case-insensitive).
// Polynomial is not enough: 500 globs of `**/*aaaa…b` against a deep tree still stalled the event
// loop for a minute. So each list of globs (one config's) gets a budget of character steps; once
// spent, its globs match nothing more — the files are read and pinned as if not ignored (the
// safe side) — and the matcher says so for the report.

/** Character steps one list of globs may take, across all its matches (about 50 ms of work). */
export const GLOB_STEP_BUDGET = 5_000_000;

interface Budget {
  steps: number;
}

export interface GlobMatcher {
  matches(value: string): boolean;
  /** Whether the budget ran out: some value was not matched, and counted as not matching. */
  spent(): boolean;
}

/** One config's globs for one run, with one budget for all its matches. */
export function globMatcher(globs: readonly string[], steps = GLOB_STEP_BUDGET): GlobMatcher {
  const budget: Budget = { steps };
  return {
    matches: (value) =>
      globs.length > 0 && budget.steps > 0 && globs.some((glob) => matchGlob(glob, value, budget) && budget.steps > 0),
    spent: () => budget.steps <= 0,
  };
}

/** One segment against one pattern segment with `*` (any run) and `?` (one character). */
function matchSegment(pattern: string, text: string, budget: Budget): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if ((budget.steps -= 1) <= 0) return false;
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

/**
 * The glob's first segment when it is written out (no `*` or `?`): a value whose first segment is
 * another cannot match. Most globs start with an owner written out, and saying so before anything
 * is split or built is most of the matching's cost on a large run.
 */
export function writtenOutFirstSegment(glob: string): string | undefined {
  const slash = glob.indexOf('/');
  const first = slash < 0 ? glob : glob.slice(0, slash);
  return first.includes('*') || first.includes('?') ? undefined : first;
}

export function matchGlob(glob: string, value: string, budget: Budget = { steps: GLOB_STEP_BUDGET }): boolean {
  const first = writtenOutFirstSegment(glob);
  if (
    first !== undefined &&
    !(value.startsWith(first) && (value.length === first.length || value[first.length] === '/'))
  )
    return false;
  // Repeated `**` segments mean the same as one.
  const patterns = glob.split('/').filter((segment, index, all) => !(segment === '**' && all[index - 1] === '**'));
  const segments = value.split('/');
  const memo = new Map<number, boolean>();
  const from = (i: number, j: number): boolean => {
    const key = i * (segments.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if ((budget.steps -= 1) <= 0) result = false;
    else if (i === patterns.length) result = j === segments.length;
    else if (patterns[i] === '**') result = from(i + 1, j) || (j < segments.length && from(i, j + 1));
    else result = j < segments.length && matchSegment(patterns[i]!, segments[j]!, budget) && from(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return from(0, 0);
}

/** One value against a list of globs, with a budget of its own (a run matching many values uses `globMatcher`). */
export function matchesAnyGlob(value: string, globs: readonly string[]): boolean {
  return globMatcher(globs).matches(value);
}
