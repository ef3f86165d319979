// Which lines of a file a pull request wrote: the `+` lines of the hunks GitHub's files list gives
// (hunks only, `@@ -a,b +c,d @@`), numbered as in the new file. A new file is all new, and so is
// a file GitHub sends no patch for (too large, or renamed without a change).
export type TouchedLines = ReadonlySet<number> | 'all';

export function touchedLines(file: { readonly status: string; readonly patch?: string | undefined }): TouchedLines {
  if (file.status === 'added') return 'all';
  // No patch: GitHub left the diff out (too large), or a pure rename brought the file in. Nothing
  // says which lines are new, so every line is: the check never passes lines it could not see.
  if (!file.patch) return 'all';
  const touched = new Set<number>();
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
