// Which lines of a file a pull request wrote: the `+` lines of the hunks GitHub's files list gives
// (hunks only, `@@ -a,b +c,d @@`), numbered as in the new file. A new file is all new; a file
// GitHub sends no patch for (too large, binary) has no line the check may blame.
export type TouchedLines = ReadonlySet<number> | 'all';

export function touchedLines(file: { readonly status: string; readonly patch?: string | undefined }): TouchedLines {
  if (file.status === 'added') return 'all';
  const touched = new Set<number>();
  if (!file.patch) return touched;
  let line = 0;
  for (const text of file.patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (text.startsWith('+')) touched.add(line++);
    else if (text.startsWith(' ') || text === '') line++;
    // `-` lines and `\ No newline at end of file` are not in the new file.
  }
  return touched;
}

export function isTouched(touched: TouchedLines, line: number): boolean {
  return touched === 'all' || touched.has(line);
}
