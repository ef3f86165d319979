// Pin-time trust from GitHub: each action repository's tags (peeled, with commit dates), branches
// and default branch in one batched GraphQL query, its releases in one REST call, and
// `Ref.compare` answers batched 50 refs a query (what GitHub's gh-actions-lock does). Listings are
// kept for ten minutes per instance: an installation's repositories call the same actions.
import { LRUCache } from 'lru-cache';
import { compareKey, repositoryKey } from '../trust/sources.js';
import type { CompareQuestion, RepositoryListing, TrustSource } from '../trust/sources.js';
import type { CompareStatus, ReleaseFacts } from '../trust/types.js';
import { peeledCommit } from '../resolve/graphql-refs-query.js';
import type { GitObject } from '../resolve/graphql-refs-query.js';
import { chunks, partial } from './graphql-batches.js';

const REPOSITORIES_PER_QUERY = 20;
const REFS_PER_QUERY = 50;
const LISTING_TTL_MS = 10 * 60_000;

interface Client {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  request?(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown }>;
}

const text = (value: string) => JSON.stringify(value);
const PEEL =
  'fragment trustPeel on GitObject { __typename oid ... on Commit { committedDate } ... on Tag { target { __typename oid ... on Commit { committedDate } ... on Tag { target { __typename oid ... on Commit { committedDate } } } } } }';

interface RefNode {
  readonly name?: string;
  readonly target?: GitObject | null;
}

export function createGitHubTrustSource(client: Client): TrustSource {
  const listings = new LRUCache<string, { listing: RepositoryListing | null }>({ max: 5_000, ttl: LISTING_TTL_MS });
  const compares = new LRUCache<string, CompareStatus>({ max: 50_000, ttl: LISTING_TTL_MS });

  const listRefs = async (batch: readonly { owner: string; repo: string }[]) => {
    const fields = batch.map(
      ({ owner, repo }, index) =>
        `  r${index}: repository(owner: ${text(owner)}, name: ${text(repo)}) { defaultBranchRef { name } branches: refs(refPrefix: "refs/heads/", first: 100) { nodes { name target { oid } } } tags: refs(refPrefix: "refs/tags/", first: 100, orderBy: {field: TAG_COMMIT_DATE, direction: DESC}) { nodes { name target { ...trustPeel } } } }`,
    );
    type Answer = Record<
      string,
      { defaultBranchRef: { name: string } | null; branches: { nodes: RefNode[] }; tags: { nodes: RefNode[] } } | null
    >;
    return partial<Answer>(client, `query pinwardenTrustListing {\n${fields.join('\n')}\n}\n${PEEL}`);
  };

  const listReleases = async (owner: string, repo: string): Promise<ReleaseFacts[] | undefined> => {
    if (!client.request) return undefined;
    try {
      const { data } = await client.request('GET /repos/{owner}/{repo}/releases', { owner, repo, per_page: 100 });
      return (
        data as {
          tag_name: string;
          published_at: string | null;
          immutable?: boolean;
          draft: boolean;
          prerelease: boolean;
        }[]
      ).map((release) => ({
        tag: release.tag_name,
        publishedAt: release.published_at ?? undefined,
        immutable: release.immutable === true,
        draft: release.draft,
        prerelease: release.prerelease,
      }));
    } catch {
      return undefined;
    }
  };

  const inFlight = new Map<string, Promise<RepositoryListing | undefined>>();
  const comparing = new Map<string, Promise<CompareStatus | undefined>>();
  /** One query for up to 50 refs, grouped by repository; answers kept for the TTL. */
  const askCompare = async (batch: readonly CompareQuestion[]): Promise<Map<string, CompareStatus>> => {
    const byRepository = new Map<string, CompareQuestion[]>();
    for (const question of batch)
      byRepository.set(repositoryKey(question.owner, question.repo), [
        ...(byRepository.get(repositoryKey(question.owner, question.repo)) ?? []),
        question,
      ]);
    const groups = [...byRepository.values()];
    const fields = groups.map(
      (group, index) =>
        `  q${index}: repository(owner: ${text(group[0]!.owner)}, name: ${text(group[0]!.repo)}) { ${group.map((question, refIndex) => `c${refIndex}: ref(qualifiedName: ${text(question.base)}) { compare(headRef: ${text(question.head)}) { status } }`).join(' ')} }`,
    );
    const data = await partial<Record<string, Record<string, { compare: { status: string } | null } | null> | null>>(
      client,
      `query pinwardenTrustCompare {\n${fields.join('\n')}\n}`,
    );
    const answers = new Map<string, CompareStatus>();
    groups.forEach((group, index) =>
      group.forEach((question, refIndex) => {
        const status = data?.[`q${index}`]?.[`c${refIndex}`]?.compare?.status;
        if (status === 'IDENTICAL' || status === 'BEHIND' || status === 'AHEAD' || status === 'DIVERGED') {
          answers.set(compareKey(question), status);
          compares.set(compareKey(question), status);
        }
      }),
    );
    return answers;
  };
  /** One query (and one releases call each) for a batch; answers in the batch's order, kept for the TTL. */
  const askListings = async (
    batch: readonly { owner: string; repo: string }[],
  ): Promise<(RepositoryListing | undefined)[]> => {
    const [data, releases] = await Promise.all([
      listRefs(batch),
      Promise.all(batch.map(({ owner, repo }) => listReleases(owner, repo))),
    ]);
    return batch.map(({ owner, repo }, index) => {
      const node = data?.[`r${index}`];
      // A repository GitHub did not answer for (missing, private) is not asked again for a minute.
      if (!node) {
        if (data) listings.set(repositoryKey(owner, repo), { listing: null }, { ttl: 60_000 });
        return undefined;
      }
      const commitDates = new Map<string, string>();
      const tags = node.tags.nodes.flatMap((tag) => {
        const commit = peeledCommit(tag.target);
        if (!tag.name || !commit?.oid) return [];
        if (commit.committedDate) commitDates.set(commit.oid, commit.committedDate);
        return [{ name: tag.name, commit: commit.oid }];
      });
      const listing: RepositoryListing = {
        defaultBranch: node.defaultBranchRef?.name,
        branches: node.branches.nodes.flatMap((branch) =>
          branch.name && branch.target?.oid ? [{ name: branch.name, commit: branch.target.oid }] : [],
        ),
        tags,
        releases: releases[index],
        commitDates,
      };
      listings.set(repositoryKey(owner, repo), { listing });
      return listing;
    });
  };

  return {
    async listings(wanted) {
      const unique = [...new Map(wanted.map((entry) => [repositoryKey(entry.owner, entry.repo), entry])).values()];
      // Concurrent runs of an installation ask for the same actions: one ask in flight per repository.
      const missing = unique.filter(
        (entry) =>
          !listings.has(repositoryKey(entry.owner, entry.repo)) &&
          !inFlight.has(repositoryKey(entry.owner, entry.repo)),
      );
      for (const batch of chunks(missing, REPOSITORIES_PER_QUERY)) {
        const asked = askListings(batch);
        batch.forEach((entry, index) => {
          const key = repositoryKey(entry.owner, entry.repo);
          const one = asked.then((answers) => answers[index]);
          inFlight.set(key, one);
          void one.finally(() => inFlight.delete(key));
        });
      }
      const result = new Map<string, RepositoryListing>();
      await Promise.all(
        unique.map(async (entry) => {
          const key = repositoryKey(entry.owner, entry.repo);
          const cached = listings.get(key);
          const listing = cached ? cached.listing : await inFlight.get(key);
          if (listing) result.set(key, listing);
        }),
      );
      return result;
    },

    async compare(questions) {
      const unique = [...new Map(questions.map((question) => [compareKey(question), question])).values()];
      // Concurrent runs compare the same commits: one ask in flight per question; an unanswered one is asked again later.
      const open = unique.filter(
        (question) => !compares.has(compareKey(question)) && !comparing.has(compareKey(question)),
      );
      for (const batch of chunks(open, REFS_PER_QUERY)) {
        const asked = askCompare(batch);
        for (const question of batch) {
          const key = compareKey(question);
          const one = asked.then((answers) => answers.get(key));
          comparing.set(key, one);
          void one.finally(() => comparing.delete(key));
        }
      }
      const answers = new Map<string, CompareStatus>();
      await Promise.all(
        unique.map(async (question) => {
          const key = compareKey(question);
          const status = compares.get(key) ?? (await comparing.get(key));
          if (status) answers.set(key, status);
        }),
      );
      return answers;
    },
  };
}
