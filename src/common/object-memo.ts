// A pure function of an object that is never changed, remembered beside it: a WeakMap, so the
// answer goes when the object does (refs data, a listing, a tree, the compromise data).

export function memoByObject<K extends object, T>(compute: (key: K) => T): (key: K) => T {
  const known = new WeakMap<K, T>();
  return (key) => {
    if (known.has(key)) return known.get(key) as T;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
