// Dependabot's github-actions updater reads `.github/workflows` and the root `action.yml` of each
// directory it is given — not `.github/actions/*/action.yml` (dependabot-core#6704): the pins of a
// composite action are updated only when its folder is listed. pinwarden lists each folder that
// holds an action it pinned, by name: the `directories` key takes globs (Dependabot's options
// reference), but `/.github/actions/**` is reported to match nothing and `**` to open duplicate
// pull requests for this ecosystem, so a name is what is known to work. An existing entry gets the
// folders it lacks, its other bytes kept; the result is read back before it is written.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { folderOf } from '../images/image-file-kind.js';
import { endOfLine } from '../yaml/scalar-site.js';
import type { DependabotNeed } from './types.js';

/** The github-actions entry: the root (workflows and a root action.yml) and each folder of a pinned action. */
export function actionsNeed(actionPaths: readonly string[], generated: readonly string[] = []): DependabotNeed {
  const folders = actionPaths.map((path) => `/${folderOf(path)}`).filter((folder) => folder !== '/');
  return {
    ecosystem: 'github-actions',
    directories: ['/', ...[...new Set(folders)].sort()],
    ...(generated.length > 0 ? { excludePaths: [...generated].sort() } : {}),
  };
}

/** Whether a Dependabot directory (or glob: `*` one folder, `**` any depth) covers `folder`. */
export function directoryCovers(pattern: string, folder: string): boolean {
  const normal = (path: string) => `/${path.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '/');
  const source = normal(pattern)
    .split('/')
    .map((part) => (part === '**' ? '.*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
    .join('/');
  return new RegExp(`^${source}$`).test(normal(folder));
}

export type Extension =
  | { readonly ok: true; readonly text: string; readonly added: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** A folder as a YAML scalar: plain when it cannot be misread, else double-quoted. */
export function directoryScalar(directory: string): string {
  return /^\/[A-Za-z0-9._/-]*$/.test(directory) ? directory : JSON.stringify(directory);
}

/**
 * The file with the folders of `need` its first `need.ecosystem` entry lacks added to that entry:
 * `directory: /` becomes a `directories:` list, a `directories:` block list gets more items.
 * Undefined when nothing is missing.
 */
export function extendDirectories(text: string, need: DependabotNeed): Extension | undefined {
  const found = entryOf(text, need.ecosystem);
  if (!found) return undefined;
  const covered = found.entries.flatMap((entry) => listed(entry));
  const missing = need.directories.filter((folder) => !covered.some((pattern) => directoryCovers(pattern, folder)));
  if (missing.length === 0) return undefined;
  const { entry } = found;
  const many = pairOf(entry, 'directories');
  const one = pairOf(entry, 'directory');
  let updated: string;
  if (many && isBlockList(many.value)) {
    updated = appendItems(text, many.value, missing.map(directoryScalar));
  } else if (one && isScalar(one.value) && one.key.range && one.value.range && typeof one.value.value === 'string') {
    const keyStart = one.key.range[0];
    const indent = ' '.repeat(keyStart - text.lastIndexOf('\n', keyStart - 1) - 1 + 2);
    const items = [one.value.value, ...missing].map(
      (folder) => `${newlineOf(text)}${indent}- ${directoryScalar(folder)}`,
    );
    updated = `${text.slice(0, keyStart)}directories:${items.join('')}${text.slice(one.value.range[1])}`;
  } else {
    return { ok: false, reason: `its ${need.ecosystem} entry lists its folders in a way pinwarden does not extend` };
  }
  return readBack(found, updated, missing, 'its folders', (grown) => {
    grown.directories = [...listed(entry), ...missing];
    delete grown.directory;
  });
}

/**
 * The file with the generated workflows of `need` its first `need.ecosystem` entry does not
 * exclude yet added to that entry's `exclude-paths` (a block list grows, or the key is added after
 * `package-ecosystem`). Undefined when nothing is missing.
 */
export function extendExcludePaths(text: string, need: DependabotNeed): Extension | undefined {
  if (!need.excludePaths?.length) return undefined;
  const found = entryOf(text, need.ecosystem);
  if (!found) return undefined;
  const { entry } = found;
  const excluded = stringsOf(entry.get('exclude-paths', true));
  const missing = need.excludePaths.filter((path) => !excluded.some((pattern) => directoryCovers(pattern, path)));
  if (missing.length === 0) return undefined;
  const existing = pairOf(entry, 'exclude-paths');
  const ecosystem = pairOf(entry, 'package-ecosystem');
  let updated: string;
  if (existing && isBlockList(existing.value)) {
    updated = appendItems(
      text,
      existing.value,
      missing.map((path) => JSON.stringify(path)),
    );
  } else if (!existing && ecosystem?.key.range && ecosystem.value?.range && !entry.flow) {
    const keyStart = ecosystem.key.range[0];
    const indent = ' '.repeat(keyStart - text.lastIndexOf('\n', keyStart - 1) - 1);
    const end = endOfLine(text, ecosystem.value.range[1]);
    const lines = [`${indent}exclude-paths:`, ...missing.map((path) => `${indent}  - ${JSON.stringify(path)}`)];
    updated = text.slice(0, end) + lines.map((line) => `${newlineOf(text)}${line}`).join('') + text.slice(end);
  } else {
    return {
      ok: false,
      reason: `its ${need.ecosystem} entry lists its exclude-paths in a way pinwarden does not extend`,
    };
  }
  return readBack(found, updated, missing, 'its exclude-paths', (grown) => {
    grown['exclude-paths'] = [...excluded, ...missing];
  });
}

interface FoundEntry {
  readonly document: Document;
  readonly updates: YAMLSeq;
  /** Every entry of the ecosystem, and the one to extend: the first without a `target-branch`. */
  readonly entries: readonly YAMLMap[];
  readonly entry: YAMLMap;
}

function entryOf(text: string, ecosystem: string): FoundEntry | undefined {
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return undefined;
  const updates = isMap(document.contents) ? document.contents.get('updates', true) : undefined;
  if (!isSeq(updates)) return undefined;
  const entries = updates.items.filter(
    (item): item is YAMLMap => isMap(item) && item.get('package-ecosystem') === ecosystem,
  );
  const entry = entries.find((candidate) => !candidate.has('target-branch')) ?? entries[0];
  return entry ? { document, updates, entries, entry } : undefined;
}

function pairOf(entry: YAMLMap, key: string): Pair<Node, Node> | undefined {
  return entry.items.find((item) => isScalar(item.key) && item.key.value === key) as Pair<Node, Node> | undefined;
}

function isBlockList(node: unknown): node is YAMLSeq {
  return isSeq(node) && !node.flow && node.items.length > 0;
}

/** A block list with more items after its last one, at its own indentation. */
function appendItems(text: string, list: YAMLSeq, items: readonly string[]): string {
  const dash = text.lastIndexOf('-', (list.items[0] as Node).range![0]);
  const indent = ' '.repeat(dash - text.lastIndexOf('\n', dash - 1) - 1);
  const end = endOfLine(text, (list.items.at(-1) as Node).range![1]);
  return text.slice(0, end) + items.map((item) => `${newlineOf(text)}${indent}- ${item}`).join('') + text.slice(end);
}

/** Read back: the same document, the entry changed as `change` says and in no other way. */
function readBack(
  found: FoundEntry,
  updated: string,
  added: readonly string[],
  what: string,
  change: (entry: Record<string, unknown>) => void,
): Extension {
  const wanted = structuredClone(found.document.toJS() as { updates: Record<string, unknown>[] });
  change(wanted.updates[found.updates.items.indexOf(found.entry)]!);
  const after = parseDocument(updated, { uniqueKeys: false });
  const read = after.errors.length === 0 ? (after.toJS() as { updates: Record<string, unknown>[] }) : undefined;
  if (!read || !isDeepStrictEqual(normalise(read), normalise(wanted)))
    return { ok: false, reason: `adding ${what} would not have kept the rest of the file as it is` };
  return { ok: true, text: updated, added };
}

function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function stringsOf(node: unknown): string[] {
  return isSeq(node)
    ? node.items.flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value] : []))
    : [];
}

/** The folders an entry lists: its `directories`, or its one `directory`. */
function listed(entry: YAMLMap): string[] {
  const one = entry.get('directory');
  return entry.has('directories') ? stringsOf(entry.get('directories', true)) : typeof one === 'string' ? [one] : [];
}

/** Key order aside (`directories` takes the place of `directory`), the same entries. */
function normalise(document: { updates: Record<string, unknown>[] }): unknown {
  return {
    ...document,
    updates: document.updates.map((entry) =>
      Object.fromEntries(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b))),
    ),
  };
}
