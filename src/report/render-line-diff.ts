// A compact diff for a terminal: the changed lines of a file, before and after. Pinning only
// replaces text within lines, so lines pair up one to one; anything else is shown whole.
export function renderLineDiff(path: string, before: string, after: string): string {
  const oldLines = before.split('\n');
  const newLines = after.split('\n');
  const out = [`--- a/${path}`, `+++ b/${path}`];
  if (oldLines.length !== newLines.length) {
    out.push(...oldLines.map((line) => `-${stripCr(line)}`), ...newLines.map((line) => `+${stripCr(line)}`));
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
