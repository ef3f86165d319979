// Where `pin` and `audit` get answers about refs: the GitHub API (token from GITHUB_TOKEN, any
// API URL, GitHub Enterprise included) or, offline, refs data files (`--refs DIR`).
import { loadRefsDir } from '../fake-github/load-refs.js';
import { createCachingResolver } from '../resolve/caching-resolver.js';
import { createTableRefResolver } from '../resolve/table-ref-resolver.js';
import type { RefResolver } from '../resolve/types.js';
import { UsageError } from './io.js';

export const DEFAULT_API_URL = 'https://api.github.com';

export interface ResolverOption {
  /** Resolve from refs data on disk instead of the GitHub API (offline, reproducible). */
  readonly refsDir: string | undefined;
  /** GitHub's API, or GitHub Enterprise's `https://HOST/api/v3`. */
  readonly apiUrl: string;
}

export const NOTHING_TO_RESOLVE: RefResolver = { resolve: async () => new Map() };

export async function chooseResolver(options: ResolverOption, env: Readonly<Record<string, string | undefined>>): Promise<RefResolver> {
  if (options.refsDir === undefined) {
    const token = env.GITHUB_TOKEN;
    if (!token) throw new UsageError('GITHUB_TOKEN is not set (or pass --refs DIR to resolve from refs data offline)');
    if (!/^https?:\/\//.test(options.apiUrl)) throw new UsageError(`--api-url must be an http(s) URL, not "${options.apiUrl}"`);
    const msPerRetrySecond = env.PINWARDEN_MS_PER_RETRY_SECOND ? Number(env.PINWARDEN_MS_PER_RETRY_SECOND) : undefined;
    // Loaded only here: `scan`, and `pin` with nothing to resolve, never pay for Octokit.
    const [{ createTokenOctokit }, { createOctokitRefResolver }] = await Promise.all([import('../github/create-octokit.js'), import('../github/octokit-ref-resolver.js')]);
    const octokit = createTokenOctokit({ token, baseUrl: options.apiUrl, ...(msPerRetrySecond === undefined ? {} : { msPerRetrySecond }) });
    return createCachingResolver(createOctokitRefResolver(octokit));
  }
  try {
    return createTableRefResolver(await loadRefsDir(options.refsDir));
  } catch (error) {
    throw new UsageError(`cannot read refs from ${options.refsDir}: ${(error as Error).message}`);
  }
}

