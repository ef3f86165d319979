// A unified diff of one file, as `git diff` prints it and `git apply` takes it: `a/` and `b/`
// prefixes, `/dev/null` for a new file, three lines of context, CRLF kept inside the lines.
import { structuredPatch } from 'diff';

export function renderUnifiedDiff(path: string, before: string | undefined, after: string): string {
  const created = before === undefined || before === '';
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before ?? '', after, undefined, undefined, { context: 3 });
  const lines = [
    `diff --git a/${path} b/${path}`,
    ...(created ? ['new file mode 100644'] : []),
    `--- ${created ? '/dev/null' : `a/${path}`}`,
    `+++ b/${path}`,
  ];
  for (const hunk of patch.hunks) {
    lines.push(
      `@@ -${created ? '0,0' : range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`,
      ...hunk.lines,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `start,count`, with git's convention that a count of one is left out. */
function range(start: number, lines: number): string {
  return lines === 1 ? `${start}` : `${start},${lines}`;
}
