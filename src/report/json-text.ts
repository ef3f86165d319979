// A report's JSON as UTF-8, its one long list stringified item by item. Stringified whole, one
// string holding a character past Latin-1 (a workflow's emoji: every value cut from that file's
// text is stored two bytes a character) turns the rest of the output two bytes a character too,
// and JSON.stringify twice as slow: `pin --format json` over 1,016 files, 38 → 22 ms (2026-12-07).
// The bytes are JSON.stringify's of `{ ...head, [key]: items, ...tail }`.

export function jsonWithList(
  head: Readonly<Record<string, unknown>>,
  key: string,
  items: readonly unknown[],
  tail: Readonly<Record<string, unknown>>,
): Buffer {
  const before = JSON.stringify(head).slice(0, -1);
  const after = JSON.stringify(tail).slice(1);
  const parts = [Buffer.from(`${before}${before.length > 1 ? ',' : ''}${JSON.stringify(key)}:[`)];
  items.forEach((item, index) => {
    if (index > 0) parts.push(Buffer.from(','));
    parts.push(Buffer.from(JSON.stringify(item) ?? 'null'));
  });
  parts.push(Buffer.from(`]${after.length > 1 ? ',' : ''}${after}`));
  return Buffer.concat(parts);
}
