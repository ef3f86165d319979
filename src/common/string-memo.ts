// A pure function of a string, remembered: the audit asks the same few version names and
// comments thousands of times over a run (every file of an organisation pins the same actions),
// and an organisation's repositories share workflow templates, so the same texts come again.
// Bounded twice: past `max` names the memory starts again, and a name longer than `maxKey` is
// computed every time, never kept.

export function memoByString<T>(compute: (name: string) => T, max = 4096, maxKey = 128): (name: string) => T {
  const known = new Map<string, T>();
  return (name) => {
    if (name.length > maxKey) return compute(name);
    const found = known.get(name);
    if (found !== undefined || known.has(name)) return found as T;
    if (known.size >= max) known.clear();
    // Computed from the copy too: an answer made of the name (a version word) keeps only the copy.
    const key = detached(name);
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}

/**
 * A copy of `name` that holds nothing else: a string cut from a file's text (a comment) may
 * keep the whole text alive, which a remembered key must not.
 */
function detached(name: string): string {
  return Array.from(name).join('');
}
