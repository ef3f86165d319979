// A compact diff for a terminal: the changed lines of a file, before and after. Pinning only
// replaces text within lines, so lines pair up one to one; anything else is shown whole.
export function renderLineDiff(path: string, before: string, after: string): string {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  const out = [`--- a/${path}`, `+++ b/${path}`];
  if (oldLines.length !== newLines.length) {
    // Lines were added or removed (a dependabot entry, a new file): one hunk between the
    // common head and the common tail.
    const shorter = Math.min(oldLines.length, newLines.length);
    let head = 0;
    while (head < shorter && oldLines[head] === newLines[head]) head += 1;
    let tail = 0;
    while (tail < shorter - head && oldLines.at(-1 - tail) === newLines.at(-1 - tail)) tail += 1;
    const removed = before === '' ? [] : oldLines.slice(head, oldLines.length - tail);
    out.push(`@@ line ${head + 1} @@`, ...removed.map((line) => `-${stripCr(line)}`), ...newLines.slice(head, newLines.length - tail).map((line) => `+${stripCr(line)}`));
    return out.join('\n');
  }
  oldLines.forEach((line, index) => {
    const replacement = newLines[index] ?? '';
    if (line === replacement) return;
    out.push(`@@ line ${index + 1} @@`, `-${stripCr(line)}`, `+${stripCr(replacement)}`);
  });
  return out.join('\n');
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
