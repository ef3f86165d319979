// Re-parses a rewritten file and walks it beside the original: the same structure, keys,
// anchors, tags and values everywhere, except the planned `uses` values, which must hold
// exactly what was planned. Anything else means the splice changed meaning: report, never write.
import { describeYamlError } from '../common/yaml-error.js';
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';

export type Verification = { readonly ok: true } | { readonly ok: false; readonly problem: string };

export function verifyRewrite(input: {
  readonly original: string;
  readonly updated: string;
  /** Original offset of each rewritten value → the value it must now hold. */
  readonly expected: ReadonlyMap<number, string>;
  /** Original offset of each map that gained a `digest` key → the digest it must hold. */
  readonly addedDigests?: ReadonlyMap<number, string>;
}): Verification {
  const before = documents(input.original);
  const after = documents(input.updated);
  const error = after.flatMap((doc) => doc.errors)[0];
  if (error) return { ok: false, problem: `the rewritten file does not parse: ${describeYamlError(error.message)}` };
  if (before.length !== after.length) return { ok: false, problem: 'the number of YAML documents changed' };
  const seen = new Set<number>();
  const rules: Rules = { expected: input.expected, added: input.addedDigests ?? new Map(), seen };
  for (const [index, doc] of before.entries()) {
    const problem = compare(
      doc.contents as Node | null,
      after[index]!.contents as Node | null,
      index === 0 ? '$' : `$${index}`,
      rules,
    );
    if (problem) return { ok: false, problem };
  }
  const missing = [...input.expected.keys(), ...rules.added.keys()].filter((offset) => !seen.has(offset));
  if (missing.length > 0)
    return { ok: false, problem: `planned values not found after the rewrite (offsets ${missing.join(', ')})` };
  return { ok: true };
}

interface Rules {
  readonly expected: ReadonlyMap<number, string>;
  readonly added: ReadonlyMap<number, string>;
  readonly seen: Set<number>;
}

function documents(text: string) {
  const parsed = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  return Array.isArray(parsed) ? parsed : [];
}

function compare(a: Node | null, b: Node | null, path: string, rules: Rules): string | undefined {
  const { expected, seen } = rules;
  if (a === null || b === null) return a === b ? undefined : `${path}: one side is empty`;
  if (a.anchor !== b.anchor) return `${path}: anchor changed`;
  if (a.tag !== b.tag) return `${path}: tag changed`;
  if (isScalar(a) && isScalar(b)) {
    const start = a.range?.[0];
    const want = start === undefined ? undefined : expected.get(start);
    if (want !== undefined && start !== undefined) {
      seen.add(start);
      // A block scalar holds its line with the newline its chomping keeps; GitHub trims it. A
      // planned value of whole lines (a Dockerfile written in the YAML) is compared whole.
      const block = b.type === 'BLOCK_LITERAL' || b.type === 'BLOCK_FOLDED';
      const held = block && !want.endsWith('\n') ? String(b.value).trim() : b.value;
      return held === want ? undefined : `${path}: holds ${JSON.stringify(b.value)}, planned ${JSON.stringify(want)}`;
    }
    return Object.is(a.value, b.value) || sameNumber(a.value, b.value) ? undefined : `${path}: value changed`;
  }
  if (isAlias(a) && isAlias(b)) return a.source === b.source ? undefined : `${path}: alias changed`;
  if (isMap(a) && isMap(b)) {
    const start = a.range?.[0];
    const digest = start === undefined ? undefined : rules.added.get(start);
    let items = b.items;
    if (digest !== undefined && start !== undefined) {
      // The one `digest` key pinwarden added, holding the planned digest; every other key as it was.
      const added = b.items.filter((pair) => isScalar(pair.key) && pair.key.value === 'digest');
      if (added.length !== 1 || !isScalar(added[0]!.value) || added[0]!.value.value !== digest)
        return `${path}: the added digest is not there as planned`;
      seen.add(start);
      items = b.items.filter((pair) => pair !== added[0]);
    }
    if (a.items.length !== items.length) return `${path}: number of keys changed`;
    for (const [index, pairA] of a.items.entries()) {
      const pairB = items[index];
      if (!isPair(pairA) || !isPair(pairB)) return `${path}: not a key/value pair`;
      const label = `${path}.${isScalar(pairA.key) ? String(pairA.key.value) : `#${index}`}`;
      // `digest:` with no value at all, given one: planned by where its key ends.
      const keyEnd = (pairA.key as Node | null)?.range?.[1];
      if (pairA.value === null && keyEnd !== undefined && expected.has(keyEnd)) {
        seen.add(keyEnd);
        if (!isScalar(pairB.value) || pairB.value.value !== expected.get(keyEnd))
          return `${label}: holds ${JSON.stringify(isScalar(pairB.value) ? pairB.value.value : null)}, planned ${JSON.stringify(expected.get(keyEnd))}`;
        continue;
      }
      const problem =
        compare(pairA.key as Node | null, pairB.key as Node | null, `${label}(key)`, rules) ??
        compare(pairA.value as Node | null, pairB.value as Node | null, label, rules);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isSeq(a) && isSeq(b)) {
    if (a.items.length !== b.items.length) return `${path}: number of items changed`;
    for (const [index, item] of a.items.entries()) {
      const problem = compare(item as Node | null, b.items[index] as Node | null, `${path}[${index}]`, rules);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path}: node type changed`;
}

function sameNumber(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}
