// GitHub's YAML reader accepts two forms the `yaml` package rejects: a comment sign right after a
// closing bracket or quote (`- [one]#, two ]`), and a multi-line double-quoted string whose
// continuation lines are indented less than YAML requires. Such a file runs on GitHub, so calling
// it broken would be wrong; pinwarden says it cannot read it. To tell, the two forms are mended
// in a copy (a space before the `#`, the continuation lines indented) and the copy parsed again:
// if that is all that was wrong, the file is one GitHub accepts. The copy is never written.
import { parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';

const MAX_MENDS = 20;

export function isYamlGitHubAccepts(text: string): boolean {
  let lines = text.split('\n');
  for (let attempt = 0; attempt < MAX_MENDS; attempt += 1) {
    const errors = parseDocument(lines.join('\n'), { uniqueKeys: true }).errors;
    if (errors.length === 0) return attempt > 0;
    const mended = mend(lines, errors[0]!);
    if (!mended) return false;
    lines = mended;
  }
  return false;
}

function mend(lines: readonly string[], error: YAMLError): string[] | undefined {
  const position = error.linePos?.[0];
  if (!position) return undefined;
  const index = position.line - 1;
  const line = lines[index];
  if (line === undefined) return undefined;
  if (error.message.startsWith('Comments must be separated from other tokens by white space')) {
    const hash = line.indexOf('#', position.col - 1);
    if (hash <= 0 || !/[\]}"']/.test(line[hash - 1]!)) return undefined;
    return [...lines.slice(0, index), `${line.slice(0, hash)} ${line.slice(hash)}`, ...lines.slice(index + 1)];
  }
  if (error.message.startsWith('Missing closing "quote')) return indentContinuation(lines, index);
  return undefined;
}

/** Indents the lines after an unterminated `"…` up to the one that closes it, under the quote. */
function indentContinuation(lines: readonly string[], opening: number): string[] | undefined {
  const indent = lines[opening]!.lastIndexOf('"') + 1;
  if (indent <= 0) return undefined;
  const mended = [...lines];
  for (let index = opening + 1; index < lines.length; index += 1) {
    const line = lines[index]!;
    mended[index] = `${' '.repeat(indent)}${line.trimStart()}`;
    if (/(^|[^\\])"/.test(line)) return mended;
  }
  return undefined;
}
