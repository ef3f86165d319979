// Where a YAML scalar sits in its text, with what a byte-exact edit needs: the value's span and
// quoting, the line's end, a trailing comment, and whether a comment may be appended there.
// Shared by every locator that rewrites values in place (`uses:`, `image:`), so they all agree on
// what a quote, a block scalar or a comment is.
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';

export type QuoteStyle = 'plain' | 'single' | 'double';

/** A scalar value found in a YAML file, with the byte positions needed to put new text back. */
export interface ScalarSite {
  /** The decoded scalar value, as a reader of the YAML gets it. */
  readonly value: string;
  /** Dotted path for messages, e.g. `jobs.build.steps[2].uses`. */
  readonly path: string;
  /** 1-based line and column of the value's first character. */
  readonly line: number;
  readonly column: number;
  /** Offsets into the text: the value's source including its quotes, [start, end). */
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Where the YAML node starts: `valueStart`, except for a block scalar (its `|` or `>`). */
  readonly nodeStart: number;
  readonly quote: QuoteStyle | 'block';
  /** Offset where the line holding the value's end stops (before `\r\n` or `\n`). */
  readonly lineEnd: number;
  /** Offset just after the line's last non-blank character (never before `valueEnd`). */
  readonly contentEnd: number;
  /** The trailing comment on that line, when it is certainly a comment. */
  readonly comment?: { readonly start: number; readonly text: string };
  /** Whether the value sits inside a flow collection (`{uses: …}`). */
  readonly inFlow: boolean;
  /** True when a comment may be appended at `lineEnd` without changing what the YAML means. */
  readonly commentSafe: boolean;
  /** Also reached through an alias: one edit of the anchored text serves every use. */
  readonly reachedThroughAlias: boolean;
}

/** One parsed YAML text and what site building needs of it. */
export interface YamlText {
  readonly text: string;
  readonly lines: LineCounter;
  /** Every scalar's source span in document order (all documents of the text). */
  readonly scalarSpans: readonly (readonly [number, number])[];
}

/** A value found under a key: its node, where the key ends, and how it was reached. */
export interface FoundValue {
  readonly node: Node | null;
  readonly keyEnd: number;
  readonly path: string;
  readonly viaAlias: boolean;
  /** A block map cannot sit inside a flow collection, so the owning map's style decides. */
  readonly inFlow: boolean;
}

export function buildScalarSite(yaml: YamlText, entry: FoundValue): ScalarSite {
  const { text } = yaml;
  const node = entry.node;
  if (isScalar(node) && quoteStyle(node.type) === 'block') {
    const block = buildBlockSite(yaml, entry, node);
    if (block) return block;
  }
  const valueStart = node?.range?.[0] ?? entry.keyEnd;
  const valueEnd = node?.range?.[1] ?? entry.keyEnd;
  const quote = isScalar(node) ? quoteStyle(node.type) : 'plain';
  const value = isScalar(node) ? scalarValueText(node.value, text.slice(valueStart, valueEnd)) : '';
  const lineEnd = endOfLine(text, valueEnd);
  const comment = findTrailingComment(yaml, valueEnd, lineEnd);
  const position = yaml.lines.linePos(valueStart);
  const spanAtLineEnd = scalarSpanAt(yaml.scalarSpans, lineEnd);
  const spansPastLine = spanAtLineEnd !== undefined && spanAtLineEnd[0] < lineEnd;
  return {
    ...placeOf(entry, position),
    value,
    valueStart,
    valueEnd,
    nodeStart: valueStart,
    quote,
    lineEnd,
    contentEnd: endOfContent(text, valueEnd, lineEnd),
    ...(comment ? { comment } : {}),
    commentSafe: isScalar(node) && quote !== 'block' && !spansPastLine,
  };
}

/** Sites that end on the same line cannot each get a comment there. */
export function markSharedLines<T extends ScalarSite>(sites: readonly T[]): T[] {
  const counts = new Map<number, number>();
  for (const site of sites) counts.set(site.lineEnd, (counts.get(site.lineEnd) ?? 0) + 1);
  return sites.map((site) => ((counts.get(site.lineEnd) ?? 0) > 1 ? { ...site, commentSafe: false } : site));
}

function placeOf(entry: FoundValue, position: { line: number; col: number }) {
  return {
    path: entry.path,
    line: position.line,
    column: position.col,
    inFlow: entry.inFlow,
    reachedThroughAlias: entry.viaAlias,
  };
}

/**
 * A block scalar whose content is one line (`uses: |` then `actions/checkout@v4`) is what GitHub
 * runs once trimmed, so it is a site like any other: the value is that line's text, edited in
 * place; a comment goes on the header line after `|`, where YAML allows one. Several lines: no.
 */
function buildBlockSite(yaml: YamlText, entry: FoundValue, node: Scalar): ScalarSite | undefined {
  const { text } = yaml;
  const [nodeStart, nodeEnd] = node.range ?? [entry.keyEnd, entry.keyEnd];
  const value = String(node.value).trim();
  if (value === '' || value.includes('\n')) return undefined;
  const headerEnd = endOfLine(text, nodeStart);
  const valueStart = text.indexOf(value, headerEnd);
  if (valueStart < 0 || valueStart + value.length > nodeEnd) return undefined;
  const headerText = text.slice(nodeStart, headerEnd).trimEnd();
  const header = /^[|>][0-9+-]*(?:[ \t]+(#.*))?$/.exec(headerText);
  if (!header) return undefined;
  const commentText = header[1];
  const position = yaml.lines.linePos(valueStart);
  return {
    ...placeOf(entry, position),
    value,
    valueStart,
    valueEnd: valueStart + value.length,
    nodeStart,
    // The content of a block scalar is raw text: a pin is written into it as it is.
    quote: 'plain',
    lineEnd: headerEnd,
    contentEnd: endOfContent(text, nodeStart, headerEnd),
    ...(commentText ? { comment: { start: nodeStart + headerText.indexOf('#'), text: commentText } } : {}),
    commentSafe: true,
  };
}

export function quoteStyle(type: string | undefined): QuoteStyle | 'block' {
  switch (type) {
    case 'QUOTE_SINGLE':
      return 'single';
    case 'QUOTE_DOUBLE':
      return 'double';
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      return 'block';
    default:
      return 'plain';
  }
}

/** Plain scalars such as `123` or `true` parse as numbers and booleans; GitHub reads their text. */
function scalarValueText(value: unknown, source: string): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  return source;
}

export function endOfLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  if (newline < 0) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

export function endOfContent(text: string, valueEnd: number, lineEnd: number): number {
  let end = lineEnd;
  while (end > valueEnd && (text[end - 1] === ' ' || text[end - 1] === '\t')) end -= 1;
  return end;
}

/** A `#` after white space, outside every scalar, is a comment that runs to the line's end. */
function findTrailingComment(
  yaml: YamlText,
  from: number,
  lineEnd: number,
): { start: number; text: string } | undefined {
  const { text } = yaml;
  for (let index = from + 1; index < lineEnd; index += 1) {
    if (text[index] !== '#') continue;
    const before = text[index - 1];
    if (before !== ' ' && before !== '\t') continue;
    if (scalarSpanAt(yaml.scalarSpans, index) !== undefined) continue;
    return { start: index, text: text.slice(index, lineEnd) };
  }
  return undefined;
}

/** The scalar whose source covers `offset`; spans come in document order and never nest. */
function scalarSpanAt(
  spans: readonly (readonly [number, number])[],
  offset: number,
): readonly [number, number] | undefined {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const span = spans[middle]!;
    if (offset < span[0]) high = middle - 1;
    else if (offset >= span[1]) low = middle + 1;
    else return span;
  }
  return undefined;
}

/**
 * Every scalar's source span in document order (they never nest), and how deep the collections
 * go; iterative, so a deeply nested file cannot exhaust the stack here. Aliases are leaves.
 */
export function scanScalars(roots: readonly unknown[]): { spans: [number, number][]; depth: number } {
  const spans: [number, number][] = [];
  let depth = 0;
  const pending: [unknown, number][] = roots.map((root) => [root, 1]);
  while (pending.length > 0) {
    const [node, level] = pending.pop()!;
    if (isScalar(node)) {
      if (node.range) spans.push([node.range[0], node.range[1]]);
    } else if (isMap(node) || isSeq(node)) {
      depth = Math.max(depth, level);
      for (const item of node.items) {
        if (isPair(item)) pending.push([item.key, level + 1], [item.value, level + 1]);
        else pending.push([item, level + 1]);
      }
    }
  }
  return { spans: spans.sort((a, b) => a[0] - b[0]), depth };
}

export function resolveNode(doc: Document, node: Node | null | undefined): Node | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return node;
}

export function lookup(doc: Document, map: Node | null, key: string): Node | null {
  if (!isMap(map)) return null;
  return (findPair(doc, map, key)?.value as Node | null | undefined) ?? null;
}

/** The map's own key first, then any `<<` merge sources, as YAML merge keys define. */
export function findPair(doc: Document, map: YAMLMap, key: string, depth = 0): Pair | undefined {
  const own = map.items.find((pair) => scalarText(pair.key) === key);
  if (own || depth > 8) return own;
  for (const pair of map.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<' || pair.key.type !== 'PLAIN') continue;
    const value = pair.value as Node | null;
    const sources = isSeq(value) ? (value.items as Node[]) : [value];
    for (const source of sources) {
      const resolved = resolveNode(doc, source);
      if (!isMap(resolved)) continue;
      const found = findPair(doc, resolved, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** A value under `key` of `map`, as a FoundValue (undefined when the key is absent). */
export function foundUnder(
  doc: Document,
  map: YAMLMap,
  key: string,
  path: string,
  viaAlias: boolean,
): FoundValue | undefined {
  const pair = findPair(doc, map, key);
  if (!pair) return undefined;
  const valueNode = pair.value as Node | null;
  return {
    node: resolveNode(doc, valueNode),
    keyEnd: (pair.key as Node).range?.[1] ?? 0,
    path,
    viaAlias: viaAlias || isAlias(valueNode),
    inFlow: map.flow === true,
  };
}

export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? undefined : String(node.value);
}

export { LineCounter };
