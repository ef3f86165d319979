// The baseline the benchmark compares against: what a straightforward script does. Every `uses:`
// occurrence is resolved on its own over REST — tag, else branch, else commit, an annotated tag
// peeled — with no cache and no batching.
import type { GitHubClient } from '../../github/github-client.js';
import { statusOf } from '../../github/github-client.js';
import { snapshotReferences } from '../../plan/plan-repository.js';
import type { RepositorySnapshot } from '../../plan/plan-repository.js';
import type { CommitSha } from '../../common/commit-sha.js';
import { refKey } from '../../resolve/types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from '../../resolve/types.js';
import { isRemoteRef } from '../../workflow/parse-action-ref.js';

type Ref = { object: { type: string; sha: string } };

async function resolveOnce(github: GitHubClient, request: RefRequest): Promise<Resolution> {
  const repo = { owner: request.owner, repo: request.repo };
  for (const [prefix, refType] of [
    ['tags/', 'tag'],
    ['heads/', 'branch'],
  ] as const) {
    try {
      const { data } = await github.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...repo,
        ref: `${prefix}${request.ref}`,
      });
      let { sha } = (data as Ref).object;
      if ((data as Ref).object.type === 'tag')
        sha = (
          (await github.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', { ...repo, tag_sha: sha })).data as Ref
        ).object.sha;
      return {
        status: 'resolved',
        sha: sha as CommitSha,
        refType,
        tag: refType === 'tag' ? request.ref : undefined,
        tagsOnCommit: refType === 'tag' ? [request.ref] : [],
        ambiguous: false,
      };
    } catch (error) {
      if (statusOf(error) !== 404) return { status: 'failed', reason: (error as Error).message };
    }
  }
  if (/^[0-9a-f]{7,40}$/.test(request.ref)) {
    try {
      const { data } = await github.request('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref: request.ref });
      return {
        status: 'resolved',
        sha: (data as { sha: string }).sha as CommitSha,
        refType: 'commit',
        tag: undefined,
        tagsOnCommit: [],
        ambiguous: false,
      };
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 422)
        return { status: 'failed', reason: (error as Error).message };
    }
  }
  return { status: 'not-found', missing: 'ref', reason: `${request.owner}/${request.repo}@${request.ref} not found` };
}

/** A resolver for one repository that asks once per occurrence of each ref in its files. */
export function naiveResolverFor(github: GitHubClient): (snapshot: RepositorySnapshot) => RefResolver {
  return (snapshot) => {
    const occurrences = new Map<RefKey, number>();
    for (const { ref } of snapshotReferences(snapshot.files)) {
      if (isRemoteRef(ref)) occurrences.set(refKey(ref), (occurrences.get(refKey(ref)) ?? 0) + 1);
    }
    return {
      async resolve(requests) {
        const answers = await Promise.all(
          requests.map(async (request) => {
            let answer: Resolution = { status: 'failed', reason: 'not asked' };
            for (let time = 0; time < (occurrences.get(refKey(request)) ?? 1); time += 1)
              answer = await resolveOnce(github, request);
            return [refKey(request), answer] as const;
          }),
        );
        return new Map(answers);
      },
    };
  };
}
