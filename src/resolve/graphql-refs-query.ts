// One GraphQL query resolves many refs in many repositories: per repository an alias, per ref
// the tag and the branch of that name (both, to flag ref confusion) or the object a SHA names,
// and the tags that could name the commit in a comment. Annotated tags are peeled to commits
// here, never pinned as tag objects. Building and reading the query are pure.
import { isFullSha } from '../common/commit-sha.js';
import { decideResolution } from './decide-resolution.js';
import { refKey } from './types.js';
import type { RefKey, RefRequest, Resolution } from './types.js';

const SHA_LIKE = /^[0-9a-f]{7,40}$/;

/** Peels up to three levels of tag-on-tag; GitHub's nested annotated tags rarely go deeper. */
const PEEL_FRAGMENT = `fragment peel on GitObject { __typename oid ... on Tag { target { __typename oid ... on Tag { target { __typename oid ... on Tag { target { __typename oid } } } } } } }`;

export interface RefsQuery {
  readonly query: string;
  /** alias of each repository → its requests with their ref aliases. */
  readonly repositories: readonly {
    readonly alias: string;
    readonly owner: string;
    readonly repo: string;
    readonly refs: readonly { readonly alias: string; readonly request: RefRequest }[];
  }[];
}

export function buildRefsQuery(requests: readonly RefRequest[]): RefsQuery {
  const byRepo = new Map<string, RefRequest[]>();
  for (const request of requests) {
    const key = `${request.owner}/${request.repo}`.toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), request]);
  }
  const repositories = [...byRepo.values()].map((group, repoIndex) => ({
    alias: `r${repoIndex}`,
    owner: group[0]!.owner,
    repo: group[0]!.repo,
    refs: group.map((request, refIndex) => ({ alias: `${refIndex}`, request })),
  }));
  const body = repositories.map((repository) => {
    const fields = repository.refs.map(({ alias, request }) => {
      const name = JSON.stringify(request.ref);
      const parts = [
        `t${alias}: ref(qualifiedName: ${JSON.stringify(`refs/tags/${request.ref}`)}) { target { ...peel } }`,
        `b${alias}: ref(qualifiedName: ${JSON.stringify(`refs/heads/${request.ref}`)}) { target { oid } }`,
      ];
      // Tags whose name contains the ref (`v4` → `v4.2.2`), to name the most specific one.
      if (!isFullSha(request.ref))
        parts.push(
          `v${alias}: refs(refPrefix: "refs/tags/", query: ${name}, first: 100) { nodes { name target { ...peel } } }`,
        );
      if (SHA_LIKE.test(request.ref)) parts.push(`c${alias}: object(expression: ${name}) { __typename oid }`);
      return parts.join(' ');
    });
    // The newest tags, for commits named by SHA or by a tag whose name the versions do not contain.
    fields.push(
      'recent: refs(refPrefix: "refs/tags/", first: 100, orderBy: {field: TAG_COMMIT_DATE, direction: DESC}) { nodes { name target { ...peel } } }',
    );
    return `${repository.alias}: repository(owner: ${JSON.stringify(repository.owner)}, name: ${JSON.stringify(repository.repo)}) { ${fields.join(' ')} }`;
  });
  return {
    query: `query PinwardenRefs { ${body.join(' ')} rateLimit { cost remaining resetAt } } ${PEEL_FRAGMENT}`,
    repositories,
  };
}

export interface GitObject {
  readonly __typename?: string;
  readonly oid?: string;
  /** Asked by pin-time trust's listing (a commit's date), not by the refs query. */
  readonly committedDate?: string;
  readonly target?: GitObject | null;
}

interface RefNode {
  readonly name?: string;
  readonly target?: GitObject | null;
}

export interface GraphqlError {
  readonly type?: string;
  readonly message?: string;
  readonly path?: readonly (string | number)[];
}

/** Reads a (possibly partial) response: data for what GitHub answered, errors for the rest. */
export function readRefsResponse(
  query: RefsQuery,
  data: Record<string, unknown> | null | undefined,
  errors: readonly GraphqlError[] = [],
): Map<RefKey, Resolution> {
  const answers = new Map<RefKey, Resolution>();
  for (const repository of query.repositories) {
    const name = `${repository.owner}/${repository.repo}`;
    const node = (data?.[repository.alias] ?? null) as Record<string, unknown> | null;
    const error = errors.find((candidate) => candidate.path?.[0] === repository.alias);
    for (const { alias, request } of repository.refs) {
      answers.set(
        refKey(request),
        node === null ? missingRepository(name, error) : resolveOne(name, request.ref, node, alias),
      );
    }
  }
  return answers;
}

function resolveOne(repo: string, ref: string, node: Record<string, unknown>, alias: string): Resolution {
  const tag = node[`t${alias}`] as RefNode | null | undefined;
  const branch = node[`b${alias}`] as RefNode | null | undefined;
  const object = node[`c${alias}`] as GitObject | null | undefined;
  const tagCommit = tag ? peeledCommit(tag.target)?.oid : undefined;
  if (tag && tagCommit === undefined)
    return { status: 'failed', reason: `tag "${ref}" in ${repo} does not point at a commit` };
  const listed = [node[`v${alias}`], node.recent].flatMap(
    (connection) => (connection as { nodes?: RefNode[] } | null)?.nodes ?? [],
  );
  return decideResolution({
    repo,
    ref,
    tagCommit,
    branchCommit: branch?.target?.oid,
    commit: object?.__typename === 'Commit' && object.oid?.startsWith(ref) ? object.oid : undefined,
    tags: listed.flatMap((entry) => {
      const commit = peeledCommit(entry.target)?.oid;
      return entry.name && commit ? [{ name: entry.name, commit }] : [];
    }),
  });
}

/** Follows tag objects to the commit they finally name; undefined for a tree or blob. */
export function peeledCommit(object: GitObject | null | undefined): GitObject | undefined {
  let current = object;
  for (let depth = 0; current && depth < 8; depth += 1) {
    if (current.__typename === 'Commit') return current;
    if (current.__typename !== 'Tag') return undefined;
    current = current.target;
  }
  return undefined;
}

function missingRepository(repo: string, error: GraphqlError | undefined): Resolution {
  switch (error?.type) {
    case 'FORBIDDEN':
      return { status: 'no-access', reason: `no access to ${repo}: ${error.message ?? 'forbidden'}` };
    case 'RATE_LIMITED':
      return { status: 'rate-limited', reason: `GitHub's rate limit stopped the lookup of ${repo}` };
    case 'NOT_FOUND':
    case undefined:
      // GitHub answers NOT_FOUND alike for a missing repository and a private one we cannot see.
      return {
        status: 'not-found',
        missing: 'repository',
        reason: `repository ${repo} not found, or private and not shared with pinwarden`,
      };
    default:
      return { status: 'failed', reason: `looking up ${repo} failed: ${error?.message ?? error?.type}` };
  }
}
