// The fast path to a YAML tree: most workflows are one block mapping of plain and quoted scalars,
// with no anchors, aliases, tags, merge keys, flow collections or directives. For such a file the
// `yaml` package's CST (its own lexer and parser) holds everything locate needs, and building the
// few nodes from it skips the composer, about a third of a full parse. The subset is checked
// token by token and conservatively: anything outside it — or anything the composer could report
// as an error (duplicate or non-string-looking keys, tabs, bad indentation, a comment glued to a
// token, a scalar the resolver complains about) — gives `undefined`, and the caller parses the
// file in full as before. Differential tests hold this to `parseDocument` on the corpus and on
// thousands of mutated files: the fast path either agrees exactly or stands aside.
import { CST, Document, LineCounter, Pair, Parser, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import { MAX_NESTING } from '../common/yaml-error.js';

export interface PlainTree {
  /** An empty document: the walk asks it only to resolve aliases and merges, which the subset has none of. */
  readonly doc: Document;
  readonly contents: YAMLMap;
  readonly lines: LineCounter;
  /** Every scalar's source span in document order. */
  readonly spans: readonly (readonly [number, number])[];
}

export interface PlainTreeOptions {
  /**
   * The keys whose scalar values the caller reads. Under them an empty or null-looking plain value
   * is left to the full parse (the composer would make it null). Every other scalar value is
   * checked and its span recorded, but left out of the tree (null): no node is built for it.
   */
  readonly stringKeys: ReadonlySet<string>;
  /**
   * Keys whose value the caller reads when it is a scalar (`container: node:20` or a map with
   * `image:`): a scalar there must read as a non-empty string, as under `stringKeys`; a
   * collection there is built as any other.
   */
  readonly scalarKeys?: ReadonlySet<string>;
  /** Keys whose map's every key is read as under `scalarKeys` (a workflow's `services`, which may name an image alone). */
  readonly scalarChildrenOf?: ReadonlySet<string>;
}

type Token = CST.Token;
type SourceToken = CST.SourceToken;

class NotPlain extends Error {}

const notPlain = (): never => {
  throw new NotPlain();
};

let sharedDoc: Document | undefined;

export function plainTree(text: string, options: PlainTreeOptions): PlainTree | undefined {
  // Tabs can be indentation errors, a BOM or directive changes how the rest reads: leave those to the full parse.
  if (text.includes('\t') || text.startsWith('\uFEFF') || text.startsWith('%')) return undefined;
  const lines = new LineCounter();
  let document: CST.Document | undefined;
  for (const token of new Parser(lines.addNewLine).parse(text)) {
    if (token.type === 'document' && !document) document = token;
    else if (token.type !== 'comment' && token.type !== 'newline' && token.type !== 'space') return undefined;
  }
  if (!document || document.value?.type !== 'block-map' || !documentEdgesArePlain(document)) return undefined;
  const builder = new Builder(text, options);
  try {
    const contents = builder.map(document.value, 1);
    sharedDoc ??= new Document();
    return { doc: sharedDoc, contents, lines, spans: builder.spans };
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

function documentEdgesArePlain(document: CST.Document): boolean {
  let sawStart = false;
  let newlineAfterStart = true;
  for (const token of document.start) {
    if (token.type === 'doc-start') {
      if (sawStart) return false;
      sawStart = true;
      newlineAfterStart = false;
    } else if (token.type === 'newline') newlineAfterStart = true;
    else if (token.type !== 'space' && token.type !== 'comment') return false;
  }
  return (
    newlineAfterStart &&
    (document.end ?? []).every(
      (token) => token.type === 'newline' || token.type === 'space' || token.type === 'comment',
    )
  );
}

/** Plain scalars the core schema reads as something other than a string, or that start with an indicator. */
const NOT_PLAIN_STRING = /^(?:[-+.~0-9<]|(?:[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL)$)/;

class Builder {
  readonly spans: [number, number][] = [];

  constructor(
    private readonly text: string,
    private readonly options: PlainTreeOptions,
  ) {}

  map(token: CST.BlockMap, level: number, childScalars = false): YAMLMap {
    if (level > MAX_NESTING) throw new NotPlain();
    const map = new YAMLMap();
    const keys = new Set<string>();
    const { items } = token;
    for (let index = 0; index < items.length; index += 1) {
      const { start, key, sep, value } = items[index]!;
      this.separator(start, undefined);
      if (!key && !sep && !value && index === items.length - 1) break; // trailing comments
      if (!key || !sep || !isFlowScalar(key) || key.indent !== token.indent || key.source.includes('\n'))
        throw new NotPlain();
      if (key.end) for (const part of key.end) if (part.type !== 'space') throw new NotPlain();
      const indicator = this.separator(sep, 'map-value-ind');
      if (indicator < 0 || sep[indicator]!.offset - key.offset > 1000) throw new NotPlain();
      let newlineAfter = false;
      for (let at = 0; at < sep.length; at += 1) {
        if (at < indicator && sep[at]!.type !== 'space') throw new NotPlain();
        if (at > indicator && sep[at]!.type === 'newline') newlineAfter = true;
      }
      if ((value?.type === 'block-map' || value?.type === 'block-seq') && !newlineAfter) throw new NotPlain();
      map.items.push(this.pair(keys, key, value, level, childScalars));
    }
    return map;
  }

  seq(token: CST.BlockSequence, level: number): YAMLSeq {
    if (level > MAX_NESTING) throw new NotPlain();
    const seq = new YAMLSeq();
    let column: number | undefined;
    const { items } = token;
    for (let index = 0; index < items.length; index += 1) {
      const { start, value } = items[index]!;
      const indicator = this.separator(start, 'seq-item-ind');
      if (indicator < 0 && !value && index === items.length - 1) break; // trailing comments
      if (indicator < 0) throw new NotPlain();
      const offset = start[indicator]!.offset;
      const at = offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
      if (column !== undefined && at !== column) throw new NotPlain();
      column = at;
      seq.items.push(value ? this.node(value, level + 1) : null);
    }
    return seq;
  }

  node(token: Token, level: number, wanted = false, childScalars = false): Node | null {
    switch (token.type) {
      case 'block-map':
        return this.map(token, level, childScalars);
      case 'block-seq':
        return this.seq(token, level);
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        if (token.end) this.separator(token.end, undefined);
        return this.scalar(token, wanted);
      case 'block-scalar':
        return this.scalar(token, wanted);
      case 'flow-collection':
        return this.flow(token, level, childScalars);
      default:
        throw new NotPlain();
    }
  }

  /**
   * A flow collection on one line (`branches: [ main ]`, `with: {a: 1}`) of scalars and such
   * collections: every item after the first after one comma, a map's every key with its `:` and a value.
   */
  flow(token: CST.FlowCollection, level: number, childScalars = false): YAMLMap | YAMLSeq {
    if (level > MAX_NESTING) throw new NotPlain();
    const isMap = token.start.source === '{';
    const [close, ...after] = token.end;
    if (close?.source !== (isMap ? '}' : ']') || this.text.slice(token.start.offset, close.offset).includes('\n'))
      throw new NotPlain();
    this.separator(after, undefined);
    const collection = isMap ? new YAMLMap() : new YAMLSeq();
    collection.flow = true;
    const keys = new Set<string>();
    token.items.forEach((item, index) => {
      if (this.separator(item.start, index === 0 ? undefined : 'comma') < 0 !== (index === 0)) throw new NotPlain();
      const { key, sep, value } = item;
      if (!value || (value.type !== 'flow-collection' && !isFlowScalar(value))) throw new NotPlain();
      if (!isMap) {
        if (key || sep) throw new NotPlain();
        (collection as YAMLSeq).items.push(this.node(value, level + 1));
        return;
      }
      if (!key || !sep || !isFlowScalar(key) || this.separator(sep, 'map-value-ind') < 0) throw new NotPlain();
      if (key.end) this.separator(key.end, undefined);
      (collection as YAMLMap).items.push(this.pair(keys, key, value, level, childScalars));
    });
    return collection;
  }

  /** A key that reads as the same string in every schema, once in its map, with its value. */
  pair(keys: Set<string>, key: CST.FlowScalar, value: Token | undefined, level: number, scalarWanted = false): Pair {
    const keyNode = this.scalar(key, true);
    const name = String(keyNode.value);
    if ((keyNode.type === 'PLAIN' && NOT_PLAIN_STRING.test(name)) || keys.has(name)) throw new NotPlain();
    keys.add(name);
    const wanted =
      this.options.stringKeys.has(name) ||
      ((scalarWanted || this.options.scalarKeys?.has(name) === true) && !isCollection(value));
    if (wanted && !isStringValue(value)) throw new NotPlain();
    const childScalars = this.options.scalarChildrenOf?.has(name) === true;
    return new Pair(keyNode, value ? this.node(value, level + 1, wanted, childScalars) : null);
  }

  /** Every scalar is resolved (so the resolver's complaints send the file to the full parse); only wanted ones become nodes. */
  scalar(token: CST.FlowScalar | CST.BlockScalar, wanted: true): Scalar;
  scalar(token: CST.FlowScalar | CST.BlockScalar, wanted: boolean): Scalar | null;
  scalar(token: CST.FlowScalar | CST.BlockScalar, wanted: boolean): Scalar | null {
    const resolved = CST.resolveAsScalar(token, true, notPlain);
    if (!resolved) throw new NotPlain();
    this.spans.push([resolved.range[0], resolved.range[1]]);
    if (!wanted) return null;
    const node = new Scalar(resolved.value);
    node.type = resolved.type ?? undefined;
    node.range = resolved.range;
    return node;
  }

  /**
   * Separators may hold only spaces, newlines, comments after white space, and the one expected
   * indicator; gives the indicator's index (-1 when it is absent).
   */
  separator(tokens: readonly SourceToken[], indicator: SourceToken['type'] | undefined): number {
    let found = -1;
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      if (token.type === 'space' || token.type === 'newline') continue;
      if (token.type === 'comment') {
        const before = this.text[token.offset - 1];
        if (token.offset > 0 && before !== ' ' && before !== '\n' && before !== '\r') throw new NotPlain();
        continue;
      }
      if (token.type !== indicator || found >= 0) throw new NotPlain();
      found = index;
    }
    return found;
  }
}

function isFlowScalar(token: Token): token is CST.FlowScalar {
  return token.type === 'scalar' || token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar';
}

function isCollection(token: Token | undefined): boolean {
  return token?.type === 'block-map' || token?.type === 'block-seq' || token?.type === 'flow-collection';
}

/** A value that reads as the same non-empty string with or without a schema. */
function isStringValue(token: Token | undefined): boolean {
  if (!token) return false;
  if (token.type === 'single-quoted-scalar' || token.type === 'double-quoted-scalar' || token.type === 'block-scalar')
    return true;
  return token.type === 'scalar' && token.source !== '' && !/^(?:~|[Nn]ull|NULL)$/.test(token.source);
}
