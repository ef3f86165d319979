// Keeps pins current: `.github/dependabot.yml` gets a `github-actions` entry. A missing file is
// created; an existing one without that ecosystem gets the entry spliced in after its last
// `updates` item, every other byte kept; one that has it is left alone. Whatever is written is
// parsed back and must equal the old document plus exactly the new entry.
import { describeYamlError } from '../common/yaml-error.js';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

export const DEPENDABOT_PATH = '.github/dependabot.yml';
export const DEPENDABOT_PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'] as const;

export interface DependabotSettings {
  readonly schedule: { readonly interval: string; readonly day?: string | undefined; readonly time?: string | undefined; readonly timezone?: string | undefined };
  readonly cooldownDays: number;
}

export type DependabotPlan =
  | { readonly action: 'create'; readonly path: string; readonly text: string }
  | { readonly action: 'add-entry'; readonly path: string; readonly text: string }
  | { readonly action: 'present'; readonly path: string }
  | { readonly action: 'unable'; readonly path: string; readonly reason: string };

/** The entry as data: what Dependabot reads. Cooldown uses only `default-days` (Actions has no semver cooldown). */
export function githubActionsEntry(settings: DependabotSettings): Record<string, unknown> {
  const schedule: Record<string, string> = { interval: settings.schedule.interval };
  if (settings.schedule.day) schedule.day = settings.schedule.day;
  if (settings.schedule.time) schedule.time = settings.schedule.time;
  if (settings.schedule.timezone) schedule.timezone = settings.schedule.timezone;
  return {
    'package-ecosystem': 'github-actions',
    directory: '/',
    schedule,
    ...(settings.cooldownDays > 0 ? { cooldown: { 'default-days': settings.cooldownDays } } : {}),
    groups: { 'github-actions': { patterns: ['*'] } },
  };
}

/** The entry as block YAML lines, each item key indented `indent` spaces past the dash. */
function entryLines(settings: DependabotSettings): string[] {
  const { schedule } = settings;
  return [
    '- package-ecosystem: github-actions',
    '  directory: /',
    '  schedule:',
    `    interval: ${schedule.interval}`,
    ...(schedule.day ? [`    day: ${schedule.day}`] : []),
    ...(schedule.time ? [`    time: "${schedule.time}"`] : []),
    ...(schedule.timezone ? [`    timezone: ${JSON.stringify(schedule.timezone)}`] : []),
    ...(settings.cooldownDays > 0 ? ['  cooldown:', `    default-days: ${settings.cooldownDays}`] : []),
    '  groups:',
    '    github-actions:',
    '      patterns: ["*"]',
  ];
}

export function planDependabot(existing: { readonly path: string; readonly text: string } | undefined, settings: DependabotSettings): DependabotPlan {
  if (!existing) {
    const text = ['version: 2', 'updates:', ...entryLines(settings).map((line) => `  ${line}`), ''].join('\n');
    return { action: 'create', path: DEPENDABOT_PATH, text };
  }
  const { path, text } = existing;
  const unable = (reason: string): DependabotPlan => ({ action: 'unable', path, reason });
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return unable(`it does not parse as YAML (${describeYamlError(document.errors[0]!.message)}); left as it is`);
  const root = document.contents;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (root === null) {
    // Only comments or blank lines: the comments stay, the document follows them.
    const updated = appendBlock(text, ['version: 2', 'updates:', ...entryLines(settings).map((line) => `  ${line}`)], newline);
    return verified(path, updated, { version: 2, updates: [githubActionsEntry(settings)] });
  }
  if (!isMap(root)) return unable('its top level is not a mapping; left as it is');
  const updatesPair = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'updates');
  const updates = updatesPair?.value;
  let before: Record<string, unknown>;
  try {
    before = document.toJS() as Record<string, unknown>;
  } catch (error) {
    // The yaml library refuses alias bombs ("Excessive alias count …") rather than expand them.
    return unable(`it could not be read safely (${(error as Error).message}); left as it is`);
  }

  let updated: string;
  if (!updatesPair) {
    const lines = ['updates:', ...entryLines(settings).map((line) => `  ${line}`)];
    updated = appendBlock(text, lines, newline);
  } else if (isSeq(updates) && !updates.flow && updates.range) {
    const items = updates.items;
    if (items.some((item) => isMap(item) && String(item.toJSON()?.['package-ecosystem']) === 'github-actions')) return { action: 'present', path };
    const dashOffset = updates.range[0];
    const column = dashOffset - text.lastIndexOf('\n', dashOffset - 1) - 1;
    const last = items.at(-1) as { range?: [number, number, number] } | undefined;
    const endOfLastItem = last?.range?.[1] ?? updates.range[1];
    const lineEnd = text.indexOf('\n', endOfLastItem - 1 < 0 ? 0 : Math.max(endOfLastItem - 1, 0));
    const insertAt = lineEnd === -1 ? text.length : lineEnd + 1;
    const prefix = insertAt === text.length && !text.endsWith('\n') ? newline : '';
    const block = entryLines(settings).map((line) => `${' '.repeat(column)}${line}${newline}`).join('');
    updated = text.slice(0, insertAt) + prefix + block + text.slice(insertAt);
  } else if (isSeq(updates) && updates.flow && updates.items.length === 0 && updates.range) {
    // `updates: []`: the empty flow sequence becomes a block one holding the entry.
    if (updatesPair.key === null || !isScalar(updatesPair.key) || !updatesPair.key.range) return unable('its `updates` key could not be located; left as it is');
    const keyColumn = updatesPair.key.range[0] - text.lastIndexOf('\n', updatesPair.key.range[0] - 1) - 1;
    const block = entryLines(settings).map((line) => `${newline}${' '.repeat(keyColumn + 2)}${line}`).join('');
    updated = text.slice(0, updates.range[0]).replace(/[ \t]+$/, '') + block + text.slice(updates.range[1]);
  } else {
    return unable('its `updates` is not a block list pinwarden can extend without rewriting it; add a github-actions entry by hand');
  }

  return verified(path, updated, { ...before, updates: [...((before.updates as unknown[] | undefined) ?? []), githubActionsEntry(settings)] });
}

function verified(path: string, updated: string, expected: unknown): DependabotPlan {
  const check = parseDocument(updated, { uniqueKeys: false });
  if (check.errors.length > 0 || !isDeepStrictEqual(safeToJs(check), expected)) {
    return { action: 'unable', path, reason: 'adding the entry would not have kept the rest of the file as it is; add a github-actions entry by hand' };
  }
  return { action: 'add-entry', path, text: updated };
}

function appendBlock(text: string, lines: readonly string[], newline: string): string {
  const separator = text === '' || text.endsWith('\n') ? '' : newline;
  return text + separator + lines.map((line) => `${line}${newline}`).join('');
}

function safeToJs(document: ReturnType<typeof parseDocument>): unknown {
  try {
    return document.toJS();
  } catch {
    return undefined;
  }
}
