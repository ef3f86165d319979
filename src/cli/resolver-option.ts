// Where `pin` and `audit` get answers about refs: the GitHub API (token from GITHUB_TOKEN, any
// API URL, GitHub Enterprise included) or, offline, refs data files (`--refs DIR`).
import { readFile } from 'node:fs/promises';
import type { AuditFacts } from '../audit/audit-facts.js';
import { createTableAuditFacts } from '../audit/table-audit-facts.js';
import { loadRefsDir } from './load-refs.js';
import { createCachingResolver } from '../resolve/caching-resolver.js';
import type { RefResolver } from '../resolve/types.js';
import { UsageError } from './io.js';
import type { TrustOption } from '../plan/pin-files.js';
import { createPinTrust } from '../trust/pin-trust.js';
import { DEFAULT_TRUST_POLICY } from '../trust/types.js';
import { BUILT_IN_COMPROMISES } from '../audit/built-in.js';
import { knownGoodOf } from '../audit/known-compromised.js';

export interface ResolverOption {
  /** Resolve from refs data on disk instead of the GitHub API (offline, reproducible). */
  readonly refsDir: string | undefined;
  /** GitHub's API, or GitHub Enterprise's `https://HOST/api/v3`. */
  readonly apiUrl: string;
}

export const NOTHING_TO_RESOLVE: RefResolver = { resolve: async () => new Map() };

/**
 * Where answers come from, for `pin` and `audit` alike: the API (batched GraphQL, one Octokit,
 * one resolver cache for the refs and for the audit's questions) or refs data with an optional
 * advisories file. The facts resolve refs too (AuditFacts is a RefResolver).
 */
export async function chooseAuditFacts(
  options: ResolverOption & { readonly advisoriesFile?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): Promise<AuditFacts> {
  const advisories = options.advisoriesFile === undefined ? undefined : await readAdvisories(options.advisoriesFile);
  if (options.refsDir !== undefined) {
    try {
      return createTableAuditFacts(loadRefsDir(options.refsDir), advisories);
    } catch (error) {
      throw new UsageError(`cannot read refs from ${options.refsDir}: ${(error as Error).message}`);
    }
  }
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UsageError('GITHUB_TOKEN is not set (or pass --refs DIR to resolve from refs data offline)');
  if (!/^https?:\/\//.test(options.apiUrl))
    throw new UsageError(`--api-url must be an http(s) URL, not "${options.apiUrl}"`);
  const msPerRetrySecond = env.PINWARDEN_MS_PER_RETRY_SECOND ? Number(env.PINWARDEN_MS_PER_RETRY_SECOND) : undefined;
  // Loaded only here: `scan`, and `pin` with nothing to resolve, never pay for Octokit.
  const [{ createTokenOctokit }, { createOctokitRefResolver }, { createGitHubAuditFacts }] = await Promise.all([
    import('../github/create-octokit.js'),
    import('../github/octokit-ref-resolver.js'),
    import('../github/github-audit-facts.js'),
  ]);
  const octokit = createTokenOctokit({
    token,
    baseUrl: options.apiUrl,
    ...(msPerRetrySecond === undefined ? {} : { msPerRetrySecond }),
  });
  const facts = createGitHubAuditFacts(octokit, createCachingResolver(createOctokitRefResolver(octokit)));
  return advisories === undefined ? facts : { ...facts, advisories: async () => advisories };
}

async function readAdvisories(file: string) {
  try {
    // Loaded only for an advisories file: its schema library is most of a one-shot command's start-up.
    const { parseAdvisoriesFile } = await import('../audit/advisories-file.js');
    return parseAdvisoriesFile(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read advisories from ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Pin-time trust over what the facts can ask; `PINWARDEN_NOW` fixes the clock for reproducible runs. */
export function cliTrust(
  resolver: RefResolver,
  env: Readonly<Record<string, string | undefined>>,
  minReleaseAgeDays = DEFAULT_TRUST_POLICY.minReleaseAgeDays,
): TrustOption | undefined {
  const source = 'trust' in resolver ? (resolver as { trust?: Parameters<typeof createPinTrust>[0] }).trust : undefined;
  if (!source) return undefined;
  const fixed = env.PINWARDEN_NOW ? Date.parse(env.PINWARDEN_NOW) : undefined;
  const now = fixed !== undefined && !Number.isNaN(fixed) ? () => fixed : undefined;
  return {
    trust: createPinTrust(source, { isKnownGood: knownGoodOf(BUILT_IN_COMPROMISES), ...(now ? { now } : {}) }),
    policy: { ...DEFAULT_TRUST_POLICY, minReleaseAgeDays },
  };
}
