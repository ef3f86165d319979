// Keeps pins current: `.github/dependabot.yml` gets a `github-actions` entry, and `docker`,
// `docker-compose` and `helm` entries for the folders whose images were pinned by digest. A
// missing file is created; an existing one gets the entries it lacks spliced in after its last
// `updates` item, every other byte kept; an ecosystem it already names is left alone. Whatever is written is
// parsed back and must equal the old document plus exactly the new entry.
import { describeYamlError } from '../common/yaml-error.js';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { directoryScalar, extendDirectories, extendExcludePaths } from './action-directories.js';
import type { DependabotEcosystem, DependabotNeed } from './types.js';

export const DEPENDABOT_PATH = '.github/dependabot.yml';
export const DEPENDABOT_PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'] as const;

export interface DependabotSettings {
  readonly schedule: {
    readonly interval: string;
    readonly day?: string | undefined;
    readonly time?: string | undefined;
    readonly timezone?: string | undefined;
  };
  readonly cooldownDays: number;
}

export const ACTIONS_ENTRY: DependabotNeed = { ecosystem: 'github-actions', directories: ['/'] };

/** `added`: the ecosystems whose entries this plan writes; `present`: those the file already had. */
export type DependabotPlan =
  | {
      readonly action: 'create';
      readonly path: string;
      readonly text: string;
      readonly added: readonly DependabotNeed[];
      readonly present: readonly DependabotEcosystem[];
    }
  | {
      readonly action: 'add-entry';
      readonly path: string;
      readonly text: string;
      readonly added: readonly DependabotNeed[];
      readonly present: readonly DependabotEcosystem[];
      /** Folders of pinned composite actions added to the existing github-actions entry. */
      readonly directoriesAdded?: readonly string[];
      /** Generated workflows added to the existing github-actions entry's `exclude-paths`. */
      readonly excludePathsAdded?: readonly string[];
    }
  | {
      readonly action: 'present';
      readonly path: string;
      readonly present: readonly DependabotEcosystem[];
      /** Why the existing github-actions entry could not be given the folders it lacks. */
      readonly directoriesNote?: string;
    }
  | { readonly action: 'unable'; readonly path: string; readonly reason: string };

/** Group names must start and end with a letter (Dependabot's rule). */
const GROUP: Record<DependabotEcosystem, string> = {
  'github-actions': 'github-actions',
  docker: 'docker-images',
  'docker-compose': 'compose-images',
  helm: 'helm-charts',
  'pre-commit': 'pre-commit-hooks',
};

/** The entry as data: what Dependabot reads. Cooldown uses only `default-days` (Actions has no semver cooldown). */
export function dependabotEntry(
  settings: DependabotSettings,
  need: DependabotNeed = ACTIONS_ENTRY,
): Record<string, unknown> {
  const schedule: Record<string, string> = { interval: settings.schedule.interval };
  if (settings.schedule.day) schedule.day = settings.schedule.day;
  if (settings.schedule.time) schedule.time = settings.schedule.time;
  if (settings.schedule.timezone) schedule.timezone = settings.schedule.timezone;
  return {
    'package-ecosystem': need.ecosystem,
    ...(need.directories.length === 1 ? { directory: need.directories[0] } : { directories: [...need.directories] }),
    schedule,
    ...(need.excludePaths?.length ? { 'exclude-paths': [...need.excludePaths] } : {}),
    ...(settings.cooldownDays > 0 ? { cooldown: { 'default-days': settings.cooldownDays } } : {}),
    groups: { [GROUP[need.ecosystem]]: { patterns: ['*'] } },
  };
}

/** The github-actions entry as data. */
export const githubActionsEntry = (settings: DependabotSettings): Record<string, unknown> =>
  dependabotEntry(settings, ACTIONS_ENTRY);

/** The entry as block YAML lines, each item key indented two spaces past the dash. */
function entryLines(settings: DependabotSettings, need: DependabotNeed): string[] {
  const { schedule } = settings;
  return [
    `- package-ecosystem: ${need.ecosystem}`,
    ...(need.directories.length === 1
      ? [`  directory: ${directoryScalar(need.directories[0]!)}`]
      : ['  directories:', ...need.directories.map((directory) => `    - ${directoryScalar(directory)}`)]),
    '  schedule:',
    `    interval: ${schedule.interval}`,
    ...(schedule.day ? [`    day: ${schedule.day}`] : []),
    ...(schedule.time ? [`    time: "${schedule.time}"`] : []),
    ...(schedule.timezone ? [`    timezone: ${JSON.stringify(schedule.timezone)}`] : []),
    ...(need.excludePaths?.length
      ? ['  exclude-paths:', ...need.excludePaths.map((path) => `    - ${JSON.stringify(path)}`)]
      : []),
    ...(settings.cooldownDays > 0 ? ['  cooldown:', `    default-days: ${settings.cooldownDays}`] : []),
    '  groups:',
    `    ${GROUP[need.ecosystem]}:`,
    '      patterns: ["*"]',
  ];
}

export function planDependabot(
  existing: { readonly path: string; readonly text: string } | undefined,
  settings: DependabotSettings,
  needs: readonly DependabotNeed[] = [ACTIONS_ENTRY],
): DependabotPlan {
  const linesOf = (wanted: readonly DependabotNeed[]) => wanted.flatMap((need) => entryLines(settings, need));
  const entriesOf = (wanted: readonly DependabotNeed[]) => wanted.map((need) => dependabotEntry(settings, need));
  if (!existing) {
    const text = ['version: 2', 'updates:', ...linesOf(needs).map((line) => `  ${line}`), ''].join('\n');
    return { action: 'create', path: DEPENDABOT_PATH, text, added: needs, present: [] };
  }
  const { path, text } = existing;
  const unable = (reason: string): DependabotPlan => ({ action: 'unable', path, reason });
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0)
    return unable(`it does not parse as YAML (${describeYamlError(document.errors[0]!.message)}); left as it is`);
  const root = document.contents;
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (root === null) {
    // Only comments or blank lines: the comments stay, the document follows them.
    const updated = appendBlock(
      text,
      ['version: 2', 'updates:', ...linesOf(needs).map((line) => `  ${line}`)],
      newline,
    );
    return verified(path, updated, { version: 2, updates: entriesOf(needs) }, needs, []);
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
  // An ecosystem the file already names is left to the file's owner, whatever folders it lists.
  const named = new Set(
    Array.isArray(before.updates)
      ? before.updates.map((entry) => String((entry as Record<string, unknown> | null)?.['package-ecosystem']))
      : [],
  );
  // The github-actions entry the file has gets the folders of pinned composite actions it lacks.
  const actions = needs.find((need) => need.ecosystem === 'github-actions');
  const extension = actions && named.has('github-actions') ? extendDirectories(text, actions) : undefined;
  const extended = extension?.ok ? extension.text : text;
  // The generated workflows it does not exclude yet: Dependabot must not edit them either.
  const excluding = actions && named.has('github-actions') ? extendExcludePaths(extended, actions) : undefined;
  const final = excluding?.ok ? excluding.text : extended;
  if (final !== text) {
    const grown = {
      ...(extension?.ok ? { directoriesAdded: extension.added } : {}),
      ...(excluding?.ok ? { excludePathsAdded: excluding.added } : {}),
    };
    const rest = planDependabot({ path, text: final }, settings, needs);
    if (rest.action === 'present')
      return { action: 'add-entry', path, text: final, added: [], present: rest.present, ...grown };
    return rest.action === 'add-entry' ? { ...rest, ...grown } : rest;
  }
  const present = needs.filter((need) => named.has(need.ecosystem)).map((need) => need.ecosystem);
  const missing = needs.filter((need) => !named.has(need.ecosystem));
  if (missing.length === 0)
    return {
      action: 'present',
      path,
      present,
      ...(extension && !extension.ok ? { directoriesNote: extension.reason } : {}),
    };
  const byHand = addByHand(missing);

  let updated: string;
  if (!updatesPair) {
    updated = appendBlock(text, ['updates:', ...linesOf(missing).map((line) => `  ${line}`)], newline);
  } else if (isSeq(updates) && !updates.flow && updates.range) {
    const dashOffset = updates.range[0];
    const column = dashOffset - text.lastIndexOf('\n', dashOffset - 1) - 1;
    const last = updates.items.at(-1) as { range?: [number, number, number] } | undefined;
    const endOfLastItem = last?.range?.[1] ?? updates.range[1];
    const lineEnd = text.indexOf('\n', endOfLastItem - 1 < 0 ? 0 : Math.max(endOfLastItem - 1, 0));
    const insertAt = lineEnd === -1 ? text.length : lineEnd + 1;
    const prefix = insertAt === text.length && !text.endsWith('\n') ? newline : '';
    const block = linesOf(missing)
      .map((line) => `${' '.repeat(column)}${line}${newline}`)
      .join('');
    updated = text.slice(0, insertAt) + prefix + block + text.slice(insertAt);
  } else if (isSeq(updates) && updates.flow && updates.items.length === 0 && updates.range) {
    // `updates: []`: the empty flow sequence becomes a block one holding the entries.
    if (updatesPair.key === null || !isScalar(updatesPair.key) || !updatesPair.key.range)
      return unable(`its \`updates\` key could not be located; ${byHand}`);
    const keyColumn = updatesPair.key.range[0] - text.lastIndexOf('\n', updatesPair.key.range[0] - 1) - 1;
    const block = linesOf(missing)
      .map((line) => `${newline}${' '.repeat(keyColumn + 2)}${line}`)
      .join('');
    updated = text.slice(0, updates.range[0]).replace(/[ \t]+$/, '') + block + text.slice(updates.range[1]);
  } else {
    return unable(`its \`updates\` is not a block list pinwarden can extend without rewriting it; ${byHand}`);
  }

  return verified(
    path,
    updated,
    { ...before, updates: [...((before.updates as unknown[] | undefined) ?? []), ...entriesOf(missing)] },
    missing,
    present,
  );
}

function verified(
  path: string,
  updated: string,
  expected: unknown,
  added: readonly DependabotNeed[],
  present: readonly DependabotEcosystem[],
): DependabotPlan {
  const check = parseDocument(updated, { uniqueKeys: false });
  if (check.errors.length > 0 || !isDeepStrictEqual(safeToJs(check), expected)) {
    return {
      action: 'unable',
      path,
      reason: `adding the entry would not have kept the rest of the file as it is; ${addByHand(added)}`,
    };
  }
  return { action: 'add-entry', path, text: updated, added, present };
}

function addByHand(needs: readonly DependabotNeed[]): string {
  const names = needs.map((need) => need.ecosystem).join(', ');
  return needs.length === 1 ? `add a ${names} entry by hand` : `add ${names} entries by hand`;
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
