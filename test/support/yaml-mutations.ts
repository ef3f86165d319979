// Deterministic mutations of a YAML text, for differential tests of the two parse paths: each
// mutation deletes, duplicates, re-indents or inserts YAML's meaningful characters at one place.
const INSERTS = [
  ' ',
  '  ',
  '\n',
  '#',
  ' #',
  ':',
  ': ',
  '- ',
  '"',
  "'",
  '&a ',
  '*a',
  '!t ',
  '{',
  '[',
  '|',
  '>',
  '\t',
  '<<: ',
  '? ',
  '---\n',
  '%YAML 1.1\n',
  '\\',
  '@',
  '`',
  'uses: ',
  'null',
  '1',
  '\r\n',
];

/** The benchmark's seeded generator, so every run mutates the same way. */
export { seededRandom as random } from '../../src/dev/fake-github/synthesize-org.js';

export function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const lines = text.split('\n');
  const line = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
    case 1:
      return [...lines.slice(0, line + 1), lines[line]!, ...lines.slice(line + 1)].join('\n');
    case 2:
      return [...lines.slice(0, line), ` ${lines[line]!}`, ...lines.slice(line + 1)].join('\n');
    case 3:
      return [...lines.slice(0, line), lines[line]!.replace(/^ /, ''), ...lines.slice(line + 1)].join('\n');
    default:
      return text.slice(0, at) + INSERTS[Math.floor(next() * INSERTS.length)]! + text.slice(at);
  }
}
