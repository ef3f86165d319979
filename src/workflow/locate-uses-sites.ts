// Finds every `uses:` a workflow or action manifest holds, from the YAML AST rather than line
// patterns: flow style, quoted keys, values on the next line, anchors and CRLF all parse the
// same way GitHub parses them, and text inside `run: |` blocks can never be mistaken for a step.
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { MAX_NESTING, describeYamlError, nestedTooDeeply } from '../common/yaml-error.js';
import { isYamlGitHubAccepts } from './github-tolerated-yaml.js';
import { parseActionRef } from './parse-action-ref.js';
import type { FileKind, LocateResult, QuoteStyle, SiteContext, UsesReference, UsesSite } from './types.js';

interface Walk {
  readonly doc: Document;
  readonly text: string;
  readonly lines: LineCounter;
  readonly scalarSpans: readonly (readonly [number, number])[];
  readonly found: Map<number, FoundUses>;
  /** Step lists already walked: an alias may point back at an enclosing list (`parallel: *s`). */
  readonly visitedSteps: Set<Node>;
}


interface FoundUses {
  readonly node: Node | null;
  readonly keyEnd: number;
  readonly context: SiteContext;
  readonly path: string;
  readonly viaAlias: boolean;
  /** A block map cannot sit inside a flow collection, so the owning map's style decides. */
  readonly inFlow: boolean;
}

export function locateUsesSites(text: string, kind: FileKind): LocateResult {
  try {
    return locate(text, kind);
  } catch (error) {
    // One hostile file costs only that file: whatever it does to the walk is its own report.
    return { ok: false, error: `pinwarden could not read this file: ${(error as Error).message}` };
  }
}

function locate(text: string, kind: FileKind): LocateResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    if (problem.code === 'MULTIPLE_DOCS') return { ok: false, error: `several YAML documents in one file (the second starts at line ${problem.linePos?.[0].line ?? '?'}); a workflow or action manifest is one document` };
    const message = describeYamlError(problem.message);
    return { ok: false, error: isYamlGitHubAccepts(text) ? `YAML GitHub accepts but pinwarden cannot read: ${message}` : message };
  }
  if (doc.contents === null) return { ok: true, references: [] };
  if (!isMap(doc.contents)) return { ok: false, error: 'the document is not a mapping' };
  const shape = scanScalars(doc.contents);
  if (shape.depth > MAX_NESTING) return { ok: false, error: nestedTooDeeply() };

  const walk: Walk = { doc, text, lines, scalarSpans: shape.spans, found: new Map(), visitedSteps: new Set() };
  if (kind === 'workflow') visitJobs(walk, doc.contents);
  else visitSteps(walk, lookup(walk, resolveNode(walk, lookup(walk, doc.contents, 'runs')), 'steps'), 'runs.steps', 'composite-step', false);

  const sites = [...walk.found.values()].map((entry) => buildSite(walk, entry));
  const sharedLineEnds = countBy(sites.map((site) => site.lineEnd));
  const references: UsesReference[] = sites
    .map((site) => ((sharedLineEnds.get(site.lineEnd) ?? 0) > 1 ? { ...site, commentSafe: false } : site))
    .sort((a, b) => a.valueStart - b.valueStart)
    .map((site) => ({ site, ref: site.quote === 'block' ? { kind: 'invalid', reason: 'a block scalar (`|` or `>`) of several lines holds this `uses`' } : parseActionRef(site.value) }));
  return { ok: true, references };
}

function visitJobs(walk: Walk, root: YAMLMap): void {
  const jobs = resolveNode(walk, lookup(walk, root, 'jobs'));
  if (!isMap(jobs)) return;
  for (const pair of jobs.items) {
    const jobId = scalarText(pair.key);
    const job = resolveNode(walk, pair.value as Node | null);
    if (!isMap(job)) continue;
    const viaAlias = isAlias(pair.value);
    recordUses(walk, job, `jobs.${jobId}.uses`, 'job', viaAlias);
    visitSteps(walk, lookup(walk, job, 'steps'), `jobs.${jobId}.steps`, 'step', viaAlias);
  }
}

function visitSteps(walk: Walk, stepsNode: Node | null, path: string, context: SiteContext, viaAlias: boolean): void {
  const steps = resolveNode(walk, stepsNode);
  if (!isSeq(steps) || walk.visitedSteps.has(steps)) return;
  walk.visitedSteps.add(steps);
  const throughAlias = viaAlias || isAlias(stepsNode);
  steps.items.forEach((item, index) => {
    const step = resolveNode(walk, item as Node | null);
    if (!isMap(step)) return;
    const stepViaAlias = throughAlias || isAlias(item);
    recordUses(walk, step, `${path}[${index}].uses`, context, stepViaAlias);
    // `parallel:` groups hold steps of their own (workflow schema `parallel-step`).
    visitSteps(walk, lookup(walk, step, 'parallel'), `${path}[${index}].parallel`, context, stepViaAlias);
  });
}

function recordUses(walk: Walk, map: YAMLMap, path: string, context: SiteContext, viaAlias: boolean): void {
  const pair = findPair(walk, map, 'uses');
  if (!pair) return;
  const valueNode = pair.value as Node | null;
  const target = resolveNode(walk, valueNode);
  const keyEnd = (pair.key as Node).range?.[1] ?? 0;
  const start = target?.range?.[0] ?? keyEnd;
  const previous = walk.found.get(start);
  // An anchored step reached again through an alias is one place in the text: edit it once.
  if (previous) {
    walk.found.set(start, { ...previous, viaAlias: true });
    return;
  }
  walk.found.set(start, { node: target, keyEnd, context, path, viaAlias: viaAlias || isAlias(valueNode), inFlow: map.flow === true });
}

function buildSite(walk: Walk, entry: FoundUses): UsesSite {
  const { text } = walk;
  const node = entry.node;
  if (isScalar(node) && quoteStyle(node.type) === 'block') {
    const block = buildBlockSite(walk, entry, node);
    if (block) return block;
  }
  const valueStart = node?.range?.[0] ?? entry.keyEnd;
  const valueEnd = node?.range?.[1] ?? entry.keyEnd;
  const quote = isScalar(node) ? quoteStyle(node.type) : 'plain';
  const value = isScalar(node) ? scalarValueText(node.value, text.slice(valueStart, valueEnd)) : '';
  const lineEnd = endOfLine(text, valueEnd);
  const comment = findTrailingComment(walk, valueEnd, lineEnd);
  const position = walk.lines.linePos(valueStart);
  const spanAtLineEnd = scalarSpanAt(walk.scalarSpans, lineEnd);
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

/** What every site says of where it stands, whatever its value looks like. */
function placeOf(entry: FoundUses, position: { line: number; col: number }) {
  return { context: entry.context, path: entry.path, line: position.line, column: position.col, inFlow: entry.inFlow, reachedThroughAlias: entry.viaAlias };
}

/**
 * A block scalar whose content is one line (`uses: |` then `actions/checkout@v4`) is what GitHub
 * runs once trimmed, so it is a site like any other: the value is that line's text, edited in
 * place; a comment goes on the header line after `|`, where YAML allows one. Several lines: no.
 */
function buildBlockSite(walk: Walk, entry: FoundUses, node: Scalar): UsesSite | undefined {
  const { text } = walk;
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
  const position = walk.lines.linePos(valueStart);
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

function quoteStyle(type: string | undefined): QuoteStyle | 'block' {
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

function endOfLine(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  if (newline < 0) return text.length;
  return text[newline - 1] === '\r' ? newline - 1 : newline;
}

function endOfContent(text: string, valueEnd: number, lineEnd: number): number {
  let end = lineEnd;
  while (end > valueEnd && (text[end - 1] === ' ' || text[end - 1] === '\t')) end -= 1;
  return end;
}

/** A `#` after white space, outside every scalar, is a comment that runs to the line's end. */
function findTrailingComment(walk: Walk, from: number, lineEnd: number): { start: number; text: string } | undefined {
  const { text } = walk;
  for (let index = from + 1; index < lineEnd; index += 1) {
    if (text[index] !== '#') continue;
    const before = text[index - 1];
    if (before !== ' ' && before !== '\t') continue;
    if (scalarSpanAt(walk.scalarSpans, index) !== undefined) continue;
    return { start: index, text: text.slice(index, lineEnd) };
  }
  return undefined;
}

/** The scalar whose source covers `offset`; spans come in document order and never nest. */
function scalarSpanAt(spans: readonly (readonly [number, number])[], offset: number): readonly [number, number] | undefined {
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
function scanScalars(root: Node): { spans: [number, number][]; depth: number } {
  const spans: [number, number][] = [];
  let depth = 0;
  const pending: [unknown, number][] = [[root, 1]];
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

function resolveNode(walk: Walk, node: Node | null | undefined): Node | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(walk.doc) as Node | undefined) ?? null;
  return node;
}

function lookup(walk: Walk, map: Node | null, key: string): Node | null {
  if (!isMap(map)) return null;
  return (findPair(walk, map, key)?.value as Node | null | undefined) ?? null;
}

/** The map's own key first, then any `<<` merge sources, as YAML merge keys define. */
function findPair(walk: Walk, map: YAMLMap, key: string, depth = 0): Pair | undefined {
  const own = map.items.find((pair) => scalarText(pair.key) === key);
  if (own || depth > 8) return own;
  for (const pair of map.items) {
    if (!isScalar(pair.key) || pair.key.value !== '<<' || pair.key.type !== 'PLAIN') continue;
    const value = pair.value as Node | null;
    const sources = isSeq(value) ? (value.items as Node[]) : [value];
    for (const source of sources) {
      const resolved = resolveNode(walk, source);
      if (!isMap(resolved)) continue;
      const found = findPair(walk, resolved, key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? undefined : String(node.value);
}

function countBy<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
