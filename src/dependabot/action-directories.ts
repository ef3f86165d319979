// Dependabot's github-actions updater reads `.github/workflows` and the root `action.yml` of each
// directory it is given — not `.github/actions/*/action.yml` (dependabot-core#6704): the pins of a
// composite action are updated only when its folder is listed. pinwarden lists each folder that
// holds an action it pinned, by name: the `directories` key takes globs (Dependabot's options
// reference), but `/.github/actions/**` is reported to match nothing and `**` to open duplicate
// pull requests for this ecosystem, so a name is what is known to work. An existing entry gets the
// folders it lacks, its other bytes kept; the result is read back before it is written.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import type { DependabotNeed } from './types.js';

/** The github-actions entry: the root (workflows and a root action.yml) and each folder of a pinned action. */
export function actionsNeed(actionPaths: readonly string[], generated: readonly string[] = []): DependabotNeed {
  const folders = actionPaths
    .map((path) => (path.includes('/') ? `/${path.slice(0, path.lastIndexOf('/'))}` : '/'))
    .filter((folder) => folder !== '/');
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

/**
 * The file with the folders of `need` its first `need.ecosystem` entry lacks added to that entry:
 * `directory: /` becomes a `directories:` list, a `directories:` block list gets more items.
 * Undefined when nothing is missing.
 */
export function extendDirectories(text: string, need: DependabotNeed): Extension | undefined {
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return undefined;
  const updates = isMap(document.contents) ? document.contents.get('updates', true) : undefined;
  if (!isSeq(updates)) return undefined;
  const entries = updates.items.filter(
    (item): item is YAMLMap => isMap(item) && item.get('package-ecosystem') === need.ecosystem,
  );
  const covered = entries.flatMap((entry) => listed(entry));
  const missing = need.directories.filter((folder) => !covered.some((pattern) => directoryCovers(pattern, folder)));
  const entry = entries.find((candidate) => !candidate.has('target-branch')) ?? entries[0];
  if (!entry || missing.length === 0) return undefined;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const pair = (key: string) =>
    entry.items.find((item) => isScalar(item.key) && item.key.value === key) as Pair<Node, Node> | undefined;
  const many = pair('directories');
  const one = pair('directory');
  let updated: string;
  if (many && isSeq(many.value) && !many.value.flow && many.value.items.length > 0) {
    const last = many.value.items.at(-1) as Node;
    const first = many.value.items[0] as Node;
    const dash = text.lastIndexOf('-', first.range![0]);
    const indent = dash - text.lastIndexOf('\n', dash - 1) - 1;
    const end = endOfLine(text, last.range![1]);
    updated =
      text.slice(0, end) +
      missing.map((folder) => `${newline}${' '.repeat(indent)}- ${scalar(folder)}`).join('') +
      text.slice(end);
  } else if (one && isScalar(one.value) && one.key.range && one.value.range && typeof one.value.value === 'string') {
    const keyStart = one.key.range[0];
    const indent = keyStart - text.lastIndexOf('\n', keyStart - 1) - 1;
    const items = [one.value.value, ...missing].map(
      (folder) => `${newline}${' '.repeat(indent + 2)}- ${scalar(folder)}`,
    );
    const end = one.value.range[1];
    updated = `${text.slice(0, keyStart)}directories:${items.join('')}${text.slice(end)}`;
  } else {
    return { ok: false, reason: `its ${need.ecosystem} entry lists its folders in a way pinwarden does not extend` };
  }
  // Read back: the same document, the entry's folders grown by exactly the missing ones.
  const before = document.toJS() as { updates: Record<string, unknown>[] };
  const index = updates.items.indexOf(entry);
  const wanted = structuredClone(before);
  const grown = wanted.updates[index]!;
  grown.directories = [...(listed(entry) as string[]), ...missing];
  delete grown.directory;
  const after = parseDocument(updated, { uniqueKeys: false });
  const read = after.errors.length === 0 ? (after.toJS() as { updates: Record<string, unknown>[] }) : undefined;
  if (!read || !isDeepStrictEqual(normalise(read), normalise(wanted)))
    return { ok: false, reason: 'adding its folders would not have kept the rest of the file as it is' };
  return { ok: true, text: updated, added: missing };
}

/**
 * The file with the generated workflows of `need` its first `need.ecosystem` entry does not
 * exclude yet added to that entry's `exclude-paths` (a block list grows, or the key is added after
 * `package-ecosystem`). Undefined when nothing is missing.
 */
export function extendExcludePaths(text: string, need: DependabotNeed): Extension | undefined {
  if (!need.excludePaths?.length) return undefined;
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return undefined;
  const updates = isMap(document.contents) ? document.contents.get('updates', true) : undefined;
  if (!isSeq(updates)) return undefined;
  const entries = updates.items.filter(
    (item): item is YAMLMap => isMap(item) && item.get('package-ecosystem') === need.ecosystem,
  );
  const entry = entries.find((candidate) => !candidate.has('target-branch')) ?? entries[0];
  if (!entry) return undefined;
  const excluded = stringsOf(entry.get('exclude-paths', true));
  const missing = need.excludePaths.filter((path) => !excluded.some((pattern) => directoryCovers(pattern, path)));
  if (missing.length === 0) return undefined;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const pair = (key: string) =>
    entry.items.find((item) => isScalar(item.key) && item.key.value === key) as Pair<Node, Node> | undefined;
  const existing = pair('exclude-paths');
  const ecosystem = pair('package-ecosystem');
  let updated: string;
  if (existing && isSeq(existing.value) && !existing.value.flow && existing.value.items.length > 0) {
    const first = existing.value.items[0] as Node;
    const dash = text.lastIndexOf('-', first.range![0]);
    const indent = dash - text.lastIndexOf('\n', dash - 1) - 1;
    const end = endOfLine(text, (existing.value.items.at(-1) as Node).range![1]);
    updated =
      text.slice(0, end) +
      missing.map((path) => `${newline}${' '.repeat(indent)}- ${JSON.stringify(path)}`).join('') +
      text.slice(end);
  } else if (!existing && ecosystem?.key.range && ecosystem.value?.range && !entry.flow) {
    const keyStart = ecosystem.key.range[0];
    const indent = ' '.repeat(keyStart - text.lastIndexOf('\n', keyStart - 1) - 1);
    const end = endOfLine(text, ecosystem.value.range[1]);
    const lines = [`${indent}exclude-paths:`, ...missing.map((path) => `${indent}  - ${JSON.stringify(path)}`)];
    updated = text.slice(0, end) + lines.map((line) => `${newline}${line}`).join('') + text.slice(end);
  } else {
    return {
      ok: false,
      reason: `its ${need.ecosystem} entry lists its exclude-paths in a way pinwarden does not extend`,
    };
  }
  const before = document.toJS() as { updates: Record<string, unknown>[] };
  const wanted = structuredClone(before);
  wanted.updates[updates.items.indexOf(entry)]!['exclude-paths'] = [...excluded, ...missing];
  const after = parseDocument(updated, { uniqueKeys: false });
  const read = after.errors.length === 0 ? (after.toJS() as { updates: Record<string, unknown>[] }) : undefined;
  if (!read || !isDeepStrictEqual(normalise(read), normalise(wanted)))
    return { ok: false, reason: 'adding its exclude-paths would not have kept the rest of the file as it is' };
  return { ok: true, text: updated, added: missing };
}

function stringsOf(node: unknown): string[] {
  return isSeq(node)
    ? node.items.flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value] : []))
    : [];
}

function listed(entry: YAMLMap): string[] {
  const many = entry.get('directories');
  if (Array.isArray(many)) return many.filter((item): item is string => typeof item === 'string');
  const directories = entry.get('directories', true);
  if (isSeq(directories))
    return directories.items.flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value] : []));
  const one = entry.get('directory');
  return typeof one === 'string' ? [one] : [];
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

function endOfLine(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  const at = end < 0 ? text.length : end;
  return text[at - 1] === '\r' ? at - 1 : at;
}

function scalar(folder: string): string {
  return /^\/[A-Za-z0-9._/-]*$/.test(folder) ? folder : JSON.stringify(folder);
}
