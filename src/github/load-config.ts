// `.github/pinwarden.yml` with Probot's semantics (@probot/octokit-plugin-config, what
// `context.config` uses): the repository's file, else the same path in the owner's `.github`
// repository, `_extends` followed. The repository's own file arrives with the one read of the
// repository; the plugin is called only to follow `_extends` or fall back to the org's file,
// which is fetched once per owner and kept a few minutes.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { deepMerge, parseConfigText, validateConfig } from '../config/pinwarden-config.js';
import type { ConfigOutcome } from '../config/pinwarden-config.js';
import type { GitHubClient } from './github-client.js';

export const CONFIG_PATH = '.github/pinwarden.yml';

/** A config larger than this is refused: the schema's limits fit in a few kilobytes, and parsing 500 KB took seconds. */
export const MAX_CONFIG_BYTES = 64 * 1024;

export type LoadConfig = (
  github: GitHubClient,
  owner: string,
  name: string,
  ownText: string | undefined,
) => Promise<ConfigOutcome>;

export function createConfigLoader(options: { ttlMs?: number } = {}): LoadConfig & { forget(owner: string): void } {
  const orgConfigs = new LRUCache<string, Promise<ConfigOutcome>>({ max: 1_000, ttl: options.ttlMs ?? 5 * 60_000 });
  // A repository's own config parsed once per text (a commit's file is the same for every run of it).
  const parsedTexts = new LRUCache<string, ConfigOutcome | 'extends'>({ max: 2_000 });

  const viaPlugin = async (github: GitHubClient, owner: string, repo: string): Promise<ConfigOutcome> => {
    try {
      // Merged deeply, as `context.config` merges (the plugin alone merges top-level keys only).
      const { config } = await github.config.get({
        owner,
        repo,
        path: CONFIG_PATH,
        defaults: (configs: Record<string, unknown>[]) =>
          configs.reduce<Record<string, unknown>>(
            (merged, config) => deepMerge(merged, config) as Record<string, unknown>,
            {},
          ),
      });
      return validateConfig(Object.keys(config).length === 0 ? null : config);
    } catch (error) {
      return { ok: false, problems: [describeConfigReadError((error as Error).message)] };
    }
  };

  const load: LoadConfig = async (github, owner, name, ownText) => {
    if (ownText === undefined) {
      const key = owner.toLowerCase();
      if (!orgConfigs.has(key)) orgConfigs.set(key, viaPlugin(github, owner, '.github'));
      return orgConfigs.get(key)!;
    }
    const key = createHash('sha256').update(ownText).digest('hex');
    let outcome = parsedTexts.get(key);
    if (outcome === undefined) {
      outcome = parseOwnConfig(ownText);
      parsedTexts.set(key, outcome);
    }
    return outcome === 'extends' ? viaPlugin(github, owner, name) : outcome;
  };
  /** Drops the owner's org-wide config, after a push changed it. */
  return Object.assign(load, { forget: (owner: string) => void orgConfigs.delete(owner.toLowerCase()) });
}

/** A repository's own config text: its outcome, or `extends` when `_extends` names another file to merge. */
function parseOwnConfig(text: string): ConfigOutcome | 'extends' {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES)
    return {
      ok: false,
      problems: [
        `${CONFIG_PATH} is larger than ${MAX_CONFIG_BYTES.toLocaleString('en')} bytes (${Buffer.byteLength(text).toLocaleString('en')}); pinwarden reads no config that large`,
      ],
    };
  const parsed = parseConfigText(text);
  if (!parsed.ok) return parsed;
  const extendsOther = typeof parsed.value === 'object' && parsed.value !== null && '_extends' in parsed.value;
  return extendsOther ? 'extends' : validateConfig(parsed.value);
}

/**
 * The config plugin's words, made exact: its loop message names `_extends: undefined` (it
 * deletes the key before quoting it), so the loop is said from the two files it names.
 */
export function describeConfigReadError(message: string): string {
  const loop = /Recursion detected\..* from (\S+) because (\S+) was already loaded/.exec(message);
  if (loop)
    return `${CONFIG_PATH}: \`_extends\` loops: ${configFileName(loop[1]!)} extends ${configFileName(loop[2]!)}, which is already part of the chain`;
  return `${CONFIG_PATH} could not be read: ${message.split('\n')[0]}`;
}

/** `https://api.github.com/repos/o/r/contents/.github/x.yml` → `o/r:.github/x.yml`. */
function configFileName(url: string): string {
  const match = /\/repos\/([^/]+)\/([^/]+)\/contents\/([^?]+)/.exec(url);
  return match
    ? `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}:${decodeURIComponent(match[3]!)}`
    : url;
}
