// Re-parses a rewritten file and walks it beside the original: the same structure, keys,
// anchors, tags and values everywhere, except the planned `uses` values, which must hold
// exactly what was planned. Anything else means the splice changed meaning: report, never write.
import { describeYamlError } from '../common/yaml-error.js';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';

export type Verification = { readonly ok: true } | { readonly ok: false; readonly problem: string };

export function verifyRewrite(input: {
  readonly original: string;
  readonly updated: string;
  /** Original offset of each rewritten value → the value it must now hold. */
  readonly expected: ReadonlyMap<number, string>;
}): Verification {
  const before = parseDocument(input.original, { uniqueKeys: true });
  const after = parseDocument(input.updated, { uniqueKeys: true, prettyErrors: true });
  const error = after.errors[0];
  if (error) return { ok: false, problem: `the rewritten file does not parse: ${describeYamlError(error.message)}` };
  const seen = new Set<number>();
  const problem = compare(before.contents as Node | null, after.contents as Node | null, '$', input.expected, seen);
  if (problem) return { ok: false, problem };
  const missing = [...input.expected.keys()].filter((offset) => !seen.has(offset));
  if (missing.length > 0) return { ok: false, problem: `planned values not found after the rewrite (offsets ${missing.join(', ')})` };
  return { ok: true };
}

function compare(a: Node | null, b: Node | null, path: string, expected: ReadonlyMap<number, string>, seen: Set<number>): string | undefined {
  if (a === null || b === null) return a === b ? undefined : `${path}: one side is empty`;
  if (a.anchor !== b.anchor) return `${path}: anchor changed`;
  if (a.tag !== b.tag) return `${path}: tag changed`;
  if (isScalar(a) && isScalar(b)) {
    const start = a.range?.[0];
    const want = start === undefined ? undefined : expected.get(start);
    if (want !== undefined && start !== undefined) {
      seen.add(start);
      // A block scalar holds its line with the newline its chomping keeps; GitHub trims it.
      const held = b.type === 'BLOCK_LITERAL' || b.type === 'BLOCK_FOLDED' ? String(b.value).trim() : b.value;
      return held === want ? undefined : `${path}: holds ${JSON.stringify(b.value)}, planned ${JSON.stringify(want)}`;
    }
    return Object.is(a.value, b.value) || sameNumber(a.value, b.value) ? undefined : `${path}: value changed`;
  }
  if (isAlias(a) && isAlias(b)) return a.source === b.source ? undefined : `${path}: alias changed`;
  if (isMap(a) && isMap(b)) {
    if (a.items.length !== b.items.length) return `${path}: number of keys changed`;
    for (const [index, pairA] of a.items.entries()) {
      const pairB = b.items[index];
      if (!isPair(pairA) || !isPair(pairB)) return `${path}: not a key/value pair`;
      const label = `${path}.${isScalar(pairA.key) ? String(pairA.key.value) : `#${index}`}`;
      const problem =
        compare(pairA.key as Node | null, pairB.key as Node | null, `${label}(key)`, expected, seen) ??
        compare(pairA.value as Node | null, pairB.value as Node | null, label, expected, seen);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isSeq(a) && isSeq(b)) {
    if (a.items.length !== b.items.length) return `${path}: number of items changed`;
    for (const [index, item] of a.items.entries()) {
      const problem = compare(item as Node | null, b.items[index] as Node | null, `${path}[${index}]`, expected, seen);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path}: node type changed`;
}

function sameNumber(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}
