// Pin-time trust from refs data on disk (the schema of shared/corpus/refs with its optional
// `commits` and `releases`): offline and reproducible, and the answer the GitHub adapter and the
// fake GitHub must agree with.
import { commitOfQualifiedRef, compareCommits, graphOfRefs, tagsOf } from '../resolve/repo-refs.js';
import type { RepoRefs } from '../resolve/repo-refs.js';
import { compareKey, repositoryKey } from './sources.js';
import type { RepositoryListing, TrustSource } from './sources.js';
import type { CompareStatus } from './types.js';

export function listingOfRefs(refs: RepoRefs): RepositoryListing {
  return {
    defaultBranch: refs.default_branch,
    branches: refs.branches.map((branch) => ({ name: branch.name, commit: branch.sha })),
    tags: tagsOf(refs),
    // Refs data without a releases list says nothing of releases: the same as GitHub listing none.
    releases: (refs.releases ?? []).map((release) => ({
      tag: release.tag,
      publishedAt: release.publishedAt,
      immutable: release.immutable ?? false,
      draft: release.draft ?? false,
      prerelease: release.prerelease ?? false,
    })),
    commitDates: new Map(
      (refs.commits ?? []).flatMap((commit) => (commit.date ? [[commit.sha, commit.date] as const] : [])),
    ),
  };
}

export function createTableTrustSource(repositories: readonly RepoRefs[]): TrustSource {
  const byName = new Map(repositories.map((refs) => [refs.repo.toLowerCase(), refs]));
  // Each repository's listing is made once: the data does not change, and a run asks per file.
  const listed = new Map<string, RepositoryListing>();
  const listingOf = (key: string, refs: RepoRefs): RepositoryListing => {
    let listing = listed.get(key);
    if (!listing) listed.set(key, (listing = listingOfRefs(refs)));
    return listing;
  };
  return {
    async listings(wanted) {
      return new Map(
        wanted.flatMap(({ owner, repo }) => {
          const key = repositoryKey(owner, repo);
          const refs = byName.get(key);
          return refs ? [[key, listingOf(key, refs)] as const] : [];
        }),
      );
    },
    async compare(questions) {
      const answers = new Map<string, CompareStatus>();
      for (const question of questions) {
        const refs = byName.get(repositoryKey(question.owner, question.repo));
        const base = refs ? commitOfQualifiedRef(refs, question.base) : undefined;
        const status =
          refs && base
            ? compareCommits(
                graphOfRefs(refs),
                base,
                question.head,
                question.base === `refs/heads/${refs.default_branch}`,
              )
            : undefined;
        if (status) answers.set(compareKey(question), status);
      }
      return answers;
    },
  };
}
