// The fake's GraphQL mutations for a single-commit change: createRef, updateRef (fast-forward
// only unless forced), updateRefs (compare-and-swap on `beforeOid`) and createCommitOnBranch (appends one commit; refuses with STALE_DATA when
// the branch is not at `expectedHeadOid`, as GitHub does). Inputs arrive validated by the schema.
import { GraphQLError } from 'graphql';
import type { FakeRepository, FakeState } from './fake-state.js';
import { findRepository } from './fake-state.js';
import { descendsFrom, writeBlob, writeCommit, writeTree } from './git-store.js';
import { nodeId } from './rest-answers.js';

export const repositoryNodeId = (repository: FakeRepository): string =>
  nodeId('Repository', `${repository.owner}/${repository.name}`);
export const refNodeId = (repository: FakeRepository, qualifiedName: string): string =>
  nodeId('Ref', `${repository.owner}/${repository.name}:${qualifiedName}`);

const fail = (message: string, type: string) => new GraphQLError(message, { extensions: { type } });

function decode(id: string, kind: string): string {
  const text = Buffer.from(id, 'base64').toString('utf8');
  if (!text.startsWith(`${kind}:`))
    throw fail(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
  return text.slice(kind.length + 1);
}

function repositoryById(state: FakeState, id: string): FakeRepository {
  const [owner = '', name = ''] = decode(id, 'Repository').split('/');
  const repository = findRepository(state, owner, name);
  if (!repository) throw fail(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
  return repository;
}

export function mutationFields(
  state: FakeState,
  refNode: (repository: FakeRepository, qualifiedName: string) => unknown,
  commitNode: (oid: string, repository: FakeRepository) => unknown,
) {
  const branchOf = (qualifiedName: string) => {
    if (!qualifiedName.startsWith('refs/heads/'))
      throw fail(`Only branches can be written here, not ${qualifiedName}`, 'UNPROCESSABLE');
    return qualifiedName.slice('refs/heads/'.length);
  };
  return {
    createRef: ({ input }: { input: { repositoryId: string; name: string; oid: string } }) => {
      const repository = repositoryById(state, input.repositoryId);
      const branch = branchOf(input.name);
      if (repository.branches.has(branch))
        throw fail(`A ref named "${input.name}" already exists in the repository.`, 'UNPROCESSABLE');
      if (!repository.git.commits.has(input.oid)) throw fail(`Object ${input.oid} does not exist`, 'UNPROCESSABLE');
      repository.branches.set(branch, input.oid);
      return { ref: refNode(repository, input.name) };
    },
    updateRef: ({ input }: { input: { refId: string; oid: string; force?: boolean } }) => {
      const [fullName = '', qualifiedName = ''] = decode(input.refId, 'Ref').split(/:(.*)/s);
      const [owner = '', name = ''] = fullName.split('/');
      const repository = findRepository(state, owner, name);
      const branch = branchOf(qualifiedName);
      const current = repository?.branches.get(branch);
      if (!repository || !current)
        throw fail(`Could not resolve to a node with the global id of '${input.refId}'`, 'NOT_FOUND');
      if (!repository.git.commits.has(input.oid)) throw fail(`Object ${input.oid} does not exist`, 'UNPROCESSABLE');
      if (!input.force && !descendsFrom(repository.git, input.oid, current))
        throw fail('Update is not a fast forward', 'UNPROCESSABLE');
      repository.branches.set(branch, input.oid);
      return { ref: refNode(repository, qualifiedName) };
    },
    // Atomic: every update's `beforeOid` is checked before any ref moves (zeros: must not exist).
    updateRefs: ({
      input,
    }: {
      input: {
        repositoryId: string;
        refUpdates: { name: string; beforeOid?: string | null; afterOid: string; force?: boolean }[];
      };
    }) => {
      const repository = repositoryById(state, input.repositoryId);
      const ZERO = '0'.repeat(40);
      const planned = input.refUpdates.map((update) => {
        const branch = branchOf(update.name);
        const current = repository.branches.get(branch);
        if (update.beforeOid != null && (current ?? ZERO) !== update.beforeOid) {
          throw fail(
            `Ref ${update.name} is at ${current ?? 'nothing'}, not ${update.beforeOid}; no refs were updated`,
            'STALE_DATA',
          );
        }
        if (update.afterOid !== ZERO && !repository.git.commits.has(update.afterOid))
          throw fail(`Object ${update.afterOid} does not exist`, 'UNPROCESSABLE');
        if (
          current &&
          update.afterOid !== ZERO &&
          !update.force &&
          !descendsFrom(repository.git, update.afterOid, current)
        )
          throw fail(`Update of ${update.name} is not a fast forward`, 'UNPROCESSABLE');
        return { branch, afterOid: update.afterOid };
      });
      for (const { branch, afterOid } of planned) {
        if (afterOid === ZERO) repository.branches.delete(branch);
        else repository.branches.set(branch, afterOid);
      }
      return { clientMutationId: null };
    },
    createCommitOnBranch: ({
      input,
    }: {
      input: {
        branch: { repositoryNameWithOwner?: string; branchName?: string; id?: string };
        expectedHeadOid: string;
        message: { headline: string; body?: string };
        fileChanges?: { additions?: { path: string; contents: string }[]; deletions?: { path: string }[] };
      };
    }) => {
      const [owner = '', name = ''] = (input.branch.repositoryNameWithOwner ?? '').split('/');
      const repository = findRepository(state, owner, name);
      const head = repository?.branches.get(input.branch.branchName ?? '');
      if (!repository || !head)
        throw fail(
          `Could not resolve to a branch ${input.branch.branchName} in ${input.branch.repositoryNameWithOwner}`,
          'NOT_FOUND',
        );
      if (head !== input.expectedHeadOid)
        throw fail(
          `Expected branch to point to "${input.expectedHeadOid}" but it did not. Pull and try again.`,
          'STALE_DATA',
        );
      const entries = new Map(repository.git.trees.get(repository.git.commits.get(head)!.tree)!);
      for (const deletion of input.fileChanges?.deletions ?? []) {
        if (!entries.delete(deletion.path))
          throw fail(
            `A path was requested for deletion which does not exist as of commit oid \`${head}\``,
            'UNPROCESSABLE',
          );
      }
      for (const addition of input.fileChanges?.additions ?? []) {
        entries.set(addition.path, {
          mode: entries.get(addition.path)?.mode ?? '100644',
          sha: writeBlob(repository.git, Buffer.from(addition.contents, 'base64')),
        });
      }
      const message = input.message.body
        ? `${input.message.headline}\n\n${input.message.body}`
        : input.message.headline;
      const commit = writeCommit(repository.git, {
        tree: writeTree(repository.git, entries),
        parents: [head],
        message,
        date: new Date().toISOString(),
      });
      repository.branches.set(input.branch.branchName!, commit);
      return {
        commit: commitNode(commit, repository),
        ref: refNode(repository, `refs/heads/${input.branch.branchName}`),
      };
    },
  };
}
