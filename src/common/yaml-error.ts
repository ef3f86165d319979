// What a YAML problem is called in reports: one line a reader can act on.

/** Deeper than any workflow, action or config needs; past it a file is reported, not walked. */
export const MAX_NESTING = 100;

export function nestedTooDeeply(): string {
  return `nested too deeply (limit ${MAX_NESTING} levels)`;
}

/** The parser's first line, without the colon that introduces the context it leaves out. */
export function describeYamlError(message: string): string {
  const first = (message.split('\n')[0] ?? message).trim();
  // The parser's own recursion gives out long before memory does: the same limit, said plainly.
  if (first.includes('Maximum call stack size exceeded')) return nestedTooDeeply();
  return first.replace(/:$/, '');
}
