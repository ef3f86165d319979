// JSON.parse keeps the last of repeated keys without a word; log lines must not repeat any.
// A small scanner over one JSON text that reports every key repeated within one object.
export function duplicateKeys(json: string): string[] {
  const repeated: string[] = [];
  // One entry per open container: the keys seen for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let index = 0; index < json.length; index += 1) {
    const char = json[index];
    if (char === '"') {
      let end = index + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const keys = open.at(-1);
      if (expectKey && keys) {
        const key = JSON.parse(json.slice(index, end + 1)) as string;
        if (keys.has(key)) repeated.push(key);
        keys.add(key);
      }
      expectKey = false;
      index = end;
    } else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') open.push(null);
    else if (char === '}' || char === ']') open.pop();
    else if (char === ',') expectKey = open.at(-1) instanceof Set;
  }
  return repeated;
}
