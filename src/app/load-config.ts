// `.github/pinwarden.yml` with Probot's semantics (@probot/octokit-plugin-config, what
// `context.config` uses): the repository's file, else the same path in the owner's `.github`
// repository, `_extends` followed. The repository's own file arrives with the one read of the
// repository; the plugin is called only to follow `_extends` or fall back to the org's file,
// which is fetched once per owner and kept a few minutes.
import { LRUCache } from 'lru-cache';
import { deepMerge, parseConfigText, validateConfig } from '../config/pinwarden-config.js';
import type { ConfigOutcome } from '../config/pinwarden-config.js';
import type { GitHubClient } from './github-client.js';

export const CONFIG_PATH = '.github/pinwarden.yml';

export type LoadConfig = (github: GitHubClient, owner: string, name: string, ownText: string | undefined) => Promise<ConfigOutcome>;

export function createConfigLoader(options: { ttlMs?: number } = {}): LoadConfig & { forget(owner: string): void } {
  const orgConfigs = new LRUCache<string, Promise<ConfigOutcome>>({ max: 1_000, ttl: options.ttlMs ?? 5 * 60_000 });

  const viaPlugin = async (github: GitHubClient, owner: string, repo: string): Promise<ConfigOutcome> => {
    try {
      // Merged deeply, as `context.config` merges (the plugin alone merges top-level keys only).
      const { config } = await github.config.get({ owner, repo, path: CONFIG_PATH, defaults: (configs: Record<string, unknown>[]) => configs.reduce<Record<string, unknown>>((merged, config) => deepMerge(merged, config) as Record<string, unknown>, {}) });
      return validateConfig(Object.keys(config).length === 0 ? null : config);
    } catch (error) {
      return { ok: false, problems: [`${CONFIG_PATH} could not be read: ${(error as Error).message.split('\n')[0]}`] };
    }
  };

  const load: LoadConfig = async (github, owner, name, ownText) => {
    if (ownText === undefined) {
      const key = owner.toLowerCase();
      if (!orgConfigs.has(key)) orgConfigs.set(key, viaPlugin(github, owner, '.github'));
      return orgConfigs.get(key)!;
    }
    const parsed = parseConfigText(ownText);
    if (!parsed.ok) return parsed;
    const extendsOther = typeof parsed.value === 'object' && parsed.value !== null && '_extends' in parsed.value;
    return extendsOther ? viaPlugin(github, owner, name) : validateConfig(parsed.value);
  };
  /** Drops the owner's org-wide config, after a push changed it. */
  return Object.assign(load, { forget: (owner: string) => void orgConfigs.delete(owner.toLowerCase()) });
}
