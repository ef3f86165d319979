// Small pieces of text every report uses: counted nouns, and values made safe for a terminal.

/** `1 file`, `2 files`; `irregular` for words whose plural is not `+s`. */
export function count(n: number, word: string, irregular?: string): string {
  return `${n} ${n === 1 ? word : (irregular ?? `${word}s`)}`;
}

/** A kind of file pinwarden reads, in the plural a sentence uses ("in its compose files"). */
export const FILE_KIND_WORDS: Readonly<Record<string, string>> = {
  workflow: 'workflows',
  action: 'actions',
  dockerfile: 'Dockerfiles',
  compose: 'compose files',
  kubernetes: 'Kubernetes manifests',
  kustomization: 'kustomizations',
  'helm-values': 'chart values',
  'maybe-kubernetes': 'Kubernetes manifests',
};

// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can make a line read
// differently from what it holds (CVE-2021-42574). Tab is kept: it is how some files indent.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Text from a repository as a terminal should show it: every control character escaped. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
