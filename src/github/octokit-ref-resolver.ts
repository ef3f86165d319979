// The RefResolver adapter over GitHub's API: one GraphQL query per batch of refs, REST per ref
// only when GraphQL cannot answer at all. p-queue bounds the batches in flight; waiting out
// rate limits is left to Octokit's throttling and retry plugins, never a second limiter here.
import PQueue from 'p-queue';
import { buildRefsQuery, readRefsResponse } from '../resolve/graphql-refs-query.js';
import type { GraphqlError } from '../resolve/graphql-refs-query.js';
import { decideResolution } from '../resolve/decide-resolution.js';
import { refKey, uniqueRequests } from '../resolve/types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from '../resolve/types.js';

/** The part of an Octokit this adapter uses. */
export interface OctokitLike {
  graphql(query: string): Promise<unknown>;
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown }>;
  /** Octokit's logger (Probot's, for an installation): told when a batch falls back to REST. */
  readonly log?: { warn(message: string): void };
}

export interface OctokitRefResolverOptions {
  /** Refs per GraphQL query; GitHub stops queries after 10 s, so stay well below that. */
  readonly batchSize?: number;
  /** Batches in flight at once. */
  readonly concurrency?: number;
}

export function createOctokitRefResolver(octokit: OctokitLike, options: OctokitRefResolverOptions = {}): RefResolver {
  const batchSize = options.batchSize ?? 100;
  const queue = new PQueue({ concurrency: options.concurrency ?? 2 });
  return {
    async resolve(requests: readonly RefRequest[]): Promise<ReadonlyMap<RefKey, Resolution>> {
      const unique = [...uniqueRequests(requests).values()];
      const batches: RefRequest[][] = [];
      for (let start = 0; start < unique.length; start += batchSize)
        batches.push(unique.slice(start, start + batchSize));
      const answers = await Promise.all(batches.map((batch) => queue.add(() => resolveBatch(octokit, batch))));
      return new Map(answers.flatMap((answer) => [...answer!]));
    },
  };
}

async function resolveBatch(octokit: OctokitLike, batch: readonly RefRequest[]): Promise<Map<RefKey, Resolution>> {
  const query = buildRefsQuery(batch);
  try {
    const data = (await octokit.graphql(query.query)) as Record<string, unknown>;
    return readRefsResponse(query, data);
  } catch (error) {
    const partial = error as {
      name?: string;
      data?: Record<string, unknown>;
      errors?: GraphqlError[];
      status?: number;
      message?: string;
    };
    // GitHub answers missing repositories with null plus an error; Octokit throws but keeps both.
    if (partial.name === 'GraphqlResponseError') {
      if (partial.errors?.some((entry) => entry.type === 'RATE_LIMITED'))
        return allRateLimited(batch, 'GitHub GraphQL rate limit exhausted');
      return readRefsResponse(query, partial.data, partial.errors);
    }
    if (partial.status === 403 || partial.status === 429)
      return allRateLimited(
        batch,
        `GitHub refused with ${partial.status} after retries: ${partial.message ?? ''}`.trim(),
      );
    if (partial.status === 401) return allWith(batch, { status: 'failed', reason: 'GitHub rejected the token (401)' });
    // Said, not only survived: a fallback costs up to three REST calls a ref.
    octokit.log?.warn(
      `a GraphQL batch of ${batch.length} refs failed (${partial.status ?? 'no status'}: ${partial.message ?? 'no message'}); asking REST, a ref at a time`,
    );
    return resolveBatchWithRest(octokit, batch);
  }
}

/** One ref at a time over REST: tag, then branch, then commit, with annotated tags peeled. */
async function resolveBatchWithRest(
  octokit: OctokitLike,
  batch: readonly RefRequest[],
): Promise<Map<RefKey, Resolution>> {
  const tagLists = new Map<string, Promise<TagList | undefined>>();
  const answers = new Map<RefKey, Resolution>();
  for (const request of batch) {
    const repoKey = `${request.owner}/${request.repo}`.toLowerCase();
    if (!tagLists.has(repoKey)) tagLists.set(repoKey, listTags(octokit, request));
    answers.set(refKey(request), await resolveWithRest(octokit, request, tagLists.get(repoKey)!));
  }
  return answers;
}

async function resolveWithRest(
  octokit: OctokitLike,
  request: RefRequest,
  tagListing: Promise<TagList | undefined>,
): Promise<Resolution> {
  const repo = `${request.owner}/${request.repo}`;
  try {
    const tags = await tagListing;
    if (tags === undefined)
      return {
        status: 'not-found',
        missing: 'repository',
        reason: `repository ${repo} not found, or private and not shared with pinwarden`,
      };
    const tag = await optional(gitRef(octokit, request, `tags/${request.ref}`));
    const branch = await optional(gitRef(octokit, request, `heads/${request.ref}`));
    const tagCommit = tag ? await peelRest(octokit, request, tag) : undefined;
    // GitHub answers 422 for a SHA it does not hold, 404 for a name it does not know.
    const commit =
      !tag && !branch && /^[0-9a-f]{7,40}$/.test(request.ref)
        ? await optional(commitSha(octokit, request), [404, 422])
        : undefined;
    return decideResolution({ repo, ref: request.ref, tagCommit, branchCommit: branch?.sha, commit, tags });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 429)
      return { status: 'rate-limited', reason: `GitHub refused with ${status} after retries` };
    return { status: 'failed', reason: `looking up ${repo}@${request.ref} failed: ${(error as Error).message}` };
  }
}

interface GitObjectRef {
  readonly type: string;
  readonly sha: string;
}

async function gitRef(octokit: OctokitLike, request: RefRequest, ref: string): Promise<GitObjectRef> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
    owner: request.owner,
    repo: request.repo,
    ref,
  });
  return (data as { object: GitObjectRef }).object;
}

async function peelRest(octokit: OctokitLike, request: RefRequest, object: GitObjectRef): Promise<string | undefined> {
  let current = object;
  for (let depth = 0; depth < 8; depth += 1) {
    if (current.type === 'commit') return current.sha;
    if (current.type !== 'tag') return undefined;
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {
      owner: request.owner,
      repo: request.repo,
      tag_sha: current.sha,
    });
    current = (data as { object: GitObjectRef }).object;
  }
  return undefined;
}

async function commitSha(octokit: OctokitLike, request: RefRequest): Promise<string> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
    owner: request.owner,
    repo: request.repo,
    ref: request.ref,
  });
  return (data as { sha: string }).sha;
}

type TagList = { name: string; commit: string }[];

/** The first 100 tags with their (already peeled) commits; undefined when the repository is not there. */
async function listTags(octokit: OctokitLike, request: RefRequest): Promise<TagList | undefined> {
  const data = await optional(
    octokit
      .request('GET /repos/{owner}/{repo}/tags', { owner: request.owner, repo: request.repo, per_page: 100 })
      .then((response) => response.data),
  );
  return (data as { name: string; commit: { sha: string } }[] | undefined)?.map((tag) => ({
    name: tag.name,
    commit: tag.commit.sha,
  }));
}

/** A 404 is an answer ("there is none"), not a failure. */
async function optional<T>(promise: Promise<T>, noneStatuses: readonly number[] = [404]): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (noneStatuses.includes((error as { status?: number }).status ?? 0)) return undefined;
    throw error;
  }
}

function allRateLimited(batch: readonly RefRequest[], reason: string): Map<RefKey, Resolution> {
  return allWith(batch, { status: 'rate-limited', reason });
}

function allWith(batch: readonly RefRequest[], resolution: Resolution): Map<RefKey, Resolution> {
  return new Map(batch.map((request) => [refKey(request), resolution]));
}
