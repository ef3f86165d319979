// The fake's GraphQL endpoint: queries are validated and executed by graphql-js against
// GitHub's published schema (@octokit/graphql-schema), so a query GitHub would reject is
// rejected here too. Only the fields pinwarden reads have resolvers; others resolve to null.
import { schema } from '@octokit/graphql-schema';
import { GraphQLError, buildClientSchema, execute, parse, validate } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLSchema, IntrospectionQuery } from 'graphql';
import type { FakeIssue, FakeRepository, FakeState, FakeTag } from './fake-state.js';
import { findRepository, pullRequests, repositoryCommits, resolveRevision } from './fake-state.js';
import { descendsFrom } from './git-store.js';
import { compareCommits } from '../../resolve/repo-refs.js';
import { impliedDirectories } from './git-store.js';
import { mutationFields, refNodeId, repositoryNodeId } from './graphql-mutations.js';

let cachedSchema: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    const introspection = schema.json as IntrospectionQuery | { data: IntrospectionQuery };
    cachedSchema = buildClientSchema('data' in introspection ? introspection.data : introspection);
  }
  return cachedSchema;
}

export interface GraphqlResponse {
  readonly data?: unknown;
  readonly errors?: readonly Record<string, unknown>[];
}

export async function executeGraphql(
  state: FakeState,
  body: { query?: unknown; variables?: unknown },
): Promise<GraphqlResponse> {
  if (typeof body.query !== 'string')
    return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  return answerOf(await run(state, body.query, (body.variables ?? {}) as Record<string, unknown>));
}

// graphql()'s steps, with validation remembered by the query's shape: pinwarden writes owners,
// names and paths into its batched queries as literals, so hardly two texts repeat, yet a few
// shapes do, and validating each against GitHub's schema was a third of the fake's CPU.
async function run(state: FakeState, query: string, variableValues: Record<string, unknown>): Promise<ExecutionResult> {
  const schema = githubSchema();
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [error as GraphQLError] };
  }
  const shape = shapeOf(query);
  if (shape === undefined || !validShapes.has(shape)) {
    const errors = validate(schema, document);
    if (errors.length > 0) return { errors };
    if (shape !== undefined) remember(shape);
  }
  return execute({
    schema,
    document,
    rootValue: rootFields(state),
    variableValues,
    typeResolver: (value) => (value as { __typename?: string }).__typename,
  });
}

const validShapes = new Set<string>();
const MAX_SHAPES = 10_000;

function remember(shape: string): void {
  if (validShapes.size >= MAX_SHAPES) validShapes.clear();
  validShapes.add(shape);
}

/**
 * The query with every string literal emptied: two queries of one shape are valid or invalid
 * together, as a string literal's text never decides validity (String, ID and GitHub's custom
 * scalars take any; an enum or a number never takes a string). None where a block string or a
 * comment could make the quotes ambiguous: those are always validated.
 */
export function shapeOf(query: string): string | undefined {
  if (query.includes('#') || query.includes('"""')) return undefined;
  return query.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}

function answerOf(result: ExecutionResult): GraphqlResponse {
  // GitHub puts the error kind at the top level of each error (`type: "NOT_FOUND"`).
  const errors = result.errors?.map((error) => ({
    ...(error.extensions?.type ? { type: error.extensions.type } : {}),
    message: error.message,
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
  }));
  return { ...(result.data === undefined ? {} : { data: result.data }), ...(errors ? { errors } : {}) };
}

function rootFields(state: FakeState) {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repository = findRepository(state, owner, name);
      if (!repository || repository.private) {
        throw new GraphQLError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, {
          extensions: { type: 'NOT_FOUND' },
        });
      }
      return repositoryNode(repository, state);
    },
    rateLimit: () => ({
      cost: 1,
      limit: 5000,
      remaining: 4999,
      used: 1,
      nodeCount: 0,
      resetAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
    securityVulnerabilities: (args: {
      ecosystem?: string;
      package?: string;
      first?: number;
      last?: number;
      after?: string | null;
    }) => vulnerabilityConnection(state, args),
    ...mutationFields(state, (repository, qualifiedName) => refNode(repository, qualifiedName), commitNode),
  };
}

function repositoryNode(repository: FakeRepository, state: FakeState) {
  return {
    __typename: 'Repository',
    id: repositoryNodeId(repository),
    name: repository.name,
    nameWithOwner: `${repository.owner}/${repository.name}`,
    ref: ({ qualifiedName }: { qualifiedName: string }) => refNode(repository, qualifiedName),
    refs: (args: {
      refPrefix: string;
      query?: string;
      first?: number;
      last?: number;
      orderBy?: { field: string; direction: string };
    }) => refsConnection(repository, args),
    object: ({ expression, oid }: { expression?: string; oid?: string }) => objectNode(repository, oid ?? expression),
    isArchived: repository.archived,
    isFork: repository.fork,
    isPrivate: repository.private,
    isEmpty: repository.branches.size === 0,
    pullRequests: (args: {
      headRefName?: string;
      states?: string[];
      first?: number;
      last?: number;
      orderBy?: { field: string; direction: string };
    }) => pullRequestConnection(repository, args),
    issues: (args: {
      labels?: string[];
      states?: string[];
      first?: number;
      last?: number;
      orderBy?: { field: string; direction: string };
    }) => issueConnection(repository, args, state.appUser.login),
    defaultBranchRef: () => refNode(repository, `refs/heads/${repository.defaultBranch}`),
  };
}

interface RefNode {
  readonly __typename: 'Ref';
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly target: unknown;
  readonly compare: (args: { headRef: string }) => unknown;
}

/**
 * `Ref.compare(headRef:)`: where `headRef` stands against this ref. The ref contains it when the
 * head is BEHIND or IDENTICAL. History is known for seeded repositories and for refs data with
 * `parents` (computed as `compareCommits` computes it for refs data offline); without history a
 * reachable commit counts as in the default branch, a fork-only one as DIVERGED, and anything
 * else is not answered (null), never guessed.
 */
function comparison(repository: FakeRepository, base: string, isDefaultBranch: boolean, headRef: string) {
  const head = resolveRevision(repository, headRef);
  if (!head) return null;
  const node = (status: 'IDENTICAL' | 'BEHIND' | 'AHEAD' | 'DIVERGED') => ({
    __typename: 'Comparison',
    status,
    aheadBy: status === 'AHEAD' || status === 'DIVERGED' ? 1 : 0,
    behindBy: status === 'BEHIND' || status === 'DIVERGED' ? 1 : 0,
  });
  if (repository.git.commits.has(base) && repository.git.commits.has(head) && !repository.forkOnly.has(head)) {
    if (head === base || descendsFrom(repository.git, base, head)) return node(head === base ? 'IDENTICAL' : 'BEHIND');
    return node(descendsFrom(repository.git, head, base) ? 'AHEAD' : 'DIVERGED');
  }
  const known = repositoryCommits(repository);
  const status = compareCommits(
    {
      parentsOf: (sha) => repository.parents.get(sha),
      isForkOnly: (sha) => repository.forkOnly.has(sha),
      isKnownReachable: (sha) => known.has(sha) && !repository.forkOnly.has(sha),
    },
    base,
    head,
    isDefaultBranch,
  );
  return status ? node(status) : null;
}

function refNode(repository: FakeRepository, qualifiedName: string): RefNode | null {
  if (qualifiedName.startsWith('refs/tags/')) {
    const tag = repository.tags.get(qualifiedName.slice('refs/tags/'.length));
    return tag
      ? {
          __typename: 'Ref',
          id: refNodeId(repository, qualifiedName),
          name: tag.name,
          prefix: 'refs/tags/',
          target: tagTarget(tag, repository),
          compare: ({ headRef }) => comparison(repository, tag.commit, false, headRef),
        }
      : null;
  }
  if (qualifiedName.startsWith('refs/heads/')) {
    const name = qualifiedName.slice('refs/heads/'.length);
    const commit = repository.branches.get(name);
    return commit
      ? {
          __typename: 'Ref',
          id: refNodeId(repository, qualifiedName),
          name,
          prefix: 'refs/heads/',
          target: commitNode(commit, repository),
          compare: ({ headRef }) => comparison(repository, commit, name === repository.defaultBranch, headRef),
        }
      : null;
  }
  // A short name: GitHub checks fully qualified names first, then short ones (branch first).
  return refNode(repository, `refs/heads/${qualifiedName}`) ?? refNode(repository, `refs/tags/${qualifiedName}`);
}

function refsConnection(
  repository: FakeRepository,
  args: {
    refPrefix: string;
    query?: string;
    first?: number;
    last?: number;
    orderBy?: { field: string; direction: string };
  },
) {
  const size = pageSize('refs', args);
  let nodes: { __typename: string; name: string; prefix: string; target: unknown }[];
  if (args.refPrefix === 'refs/tags/') {
    // The refs data carries no commit dates; its own order (oldest first) stands in for them.
    nodes = [...repository.tags.values()].map((tag) => ({
      __typename: 'Ref',
      name: tag.name,
      prefix: 'refs/tags/',
      target: tagTarget(tag, repository),
    }));
  } else if (args.refPrefix === 'refs/heads/') {
    nodes = [...repository.branches].map(([name, commit]) => ({
      __typename: 'Ref',
      name,
      prefix: 'refs/heads/',
      target: commitNode(commit),
    }));
  } else {
    nodes = [];
  }
  if (args.query) nodes = nodes.filter((node) => node.name.includes(args.query!));
  if (args.orderBy?.direction === 'DESC') nodes.reverse();
  const page = args.last === undefined ? nodes.slice(0, size) : nodes.slice(-size);
  return {
    __typename: 'RefConnection',
    nodes: page,
    totalCount: nodes.length,
    pageInfo: { hasNextPage: nodes.length > page.length, hasPreviousPage: false, endCursor: null, startCursor: null },
  };
}

function objectNode(repository: FakeRepository, expression: string | undefined) {
  if (!expression) return null;
  // `<revision>:<path>`, as `git rev-parse` reads it: a file or folder at that revision.
  const colon = expression.indexOf(':');
  if (colon >= 0) return pathNode(repository, expression.slice(0, colon), expression.slice(colon + 1));
  const matches = [...repositoryCommits(repository)].filter((commit) => commit.startsWith(expression.toLowerCase()));
  if (matches.length === 1 && expression.length >= 4) return commitNode(matches[0]!);
  const tagObject = [...repository.tags.values()].find((tag) => tag.tagObject === expression);
  return tagObject ? tagTarget(tagObject) : null;
}

const BLOB_TEXT_LIMIT = 512_000;

function pathNode(repository: FakeRepository, revision: string, path: string) {
  const commit = resolveRevision(repository, revision || 'HEAD');
  const tree = commit ? repository.git.trees.get(repository.git.commits.get(commit)?.tree ?? '') : undefined;
  if (!tree) return null;
  const clean = path.replace(/^\/+|\/+$/g, '');
  const file = tree.get(clean);
  if (file) return blobNode(repository, file.sha);
  const prefix = clean === '' ? '' : `${clean}/`;
  const names = new Map<string, { type: 'blob' | 'tree'; sha?: string; mode: string }>();
  for (const [candidate, entry] of tree) {
    if (!candidate.startsWith(prefix)) continue;
    const [name = '', ...rest] = candidate.slice(prefix.length).split('/');
    if (!names.has(name))
      names.set(
        name,
        rest.length === 0 ? { type: 'blob', sha: entry.sha, mode: entry.mode } : { type: 'tree', mode: '040000' },
      );
  }
  if (names.size === 0) return null;
  const directories = impliedDirectories(tree);
  const entries = [...names]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, entry]) => {
      const entryPath = `${prefix}${name}`;
      const oid = entry.sha ?? directories.get(entryPath) ?? '';
      // A folder's object is a Tree whose entries resolve only when the query asks for them.
      return {
        name,
        path: entryPath,
        type: entry.type,
        mode: Number.parseInt(entry.mode, 8),
        oid,
        // GitHub gives a folder's entry size 0.
        size: entry.type === 'blob' ? (repository.git.blobs.get(oid)?.length ?? 0) : 0,
        // Resolved only when the query asks for it, as a folder's is.
        object: () => (entry.type === 'blob' ? blobNode(repository, oid) : pathNode(repository, revision, entryPath)),
      };
    });
  return { __typename: 'Tree', oid: directories.get(clean) ?? '', entries };
}

// A blob's id is the hash of its bytes: each text is decoded once, not again for every answer
// (and once for all the repositories that hold the same file).
const blobTexts = new Map<string, { isBinary: boolean; text: string | null }>();
const BLOB_TEXTS_KEPT = 4_096;

function blobNode(repository: FakeRepository, oid: string) {
  const bytes = repository.git.blobs.get(oid) ?? Buffer.alloc(0);
  let read = bytes.length > 0 ? blobTexts.get(oid) : undefined;
  if (!read) {
    const isBinary = bytes.includes(0);
    // GitHub cuts Blob.text at 512,000 bytes and says so with isTruncated.
    read = { isBinary, text: isBinary ? null : bytes.subarray(0, BLOB_TEXT_LIMIT).toString('utf8') };
    if (bytes.length > 0) {
      if (blobTexts.size >= BLOB_TEXTS_KEPT) blobTexts.delete(blobTexts.keys().next().value!);
      blobTexts.set(oid, read);
    }
  }
  return {
    __typename: 'Blob',
    oid,
    byteSize: bytes.length,
    isBinary: read.isBinary,
    isTruncated: bytes.length > BLOB_TEXT_LIMIT,
    text: read.text,
  };
}

function tagTarget(tag: FakeTag, repository?: FakeRepository) {
  if (!tag.tagObject) return commitNode(tag.commit, repository);
  return {
    __typename: 'Tag',
    oid: tag.tagObject,
    abbreviatedOid: tag.tagObject.slice(0, 7),
    name: tag.name,
    message: '',
    target: commitNode(tag.commit, repository),
  };
}

function commitNode(oid: string, repository?: FakeRepository) {
  const commit = repository?.git.commits.get(oid);
  const date = repository?.commitDates.get(oid);
  return {
    __typename: 'Commit',
    oid,
    abbreviatedOid: oid.slice(0, 7),
    ...(date ? { committedDate: date } : {}),
    ...(commit
      ? {
          tree: { __typename: 'Tree', oid: commit.tree },
          message: commit.message,
          committedDate: commit.date,
          parents: ({ first, last }: { first?: number; last?: number }) => {
            const nodes = commit.parents.slice(0, first ?? last ?? 100).map((parent) => commitNode(parent, repository));
            return {
              __typename: 'CommitConnection',
              nodes,
              totalCount: commit.parents.length,
              pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null, startCursor: null },
            };
          },
        }
      : {}),
  };
}

const PULL_REQUEST_STATE = (issue: FakeIssue) =>
  issue.pull?.merged ? 'MERGED' : issue.state === 'open' ? 'OPEN' : 'CLOSED';

function pullRequestConnection(
  repository: FakeRepository,
  args: {
    headRefName?: string;
    states?: string[];
    first?: number;
    last?: number;
    orderBy?: { field: string; direction: string };
  },
) {
  const pulls = pullRequests(repository).filter(
    (issue) =>
      (args.headRefName === undefined || issue.pull!.head === args.headRefName) &&
      (!args.states || args.states.includes(PULL_REQUEST_STATE(issue))),
  );
  const { page, pageInfo } = pageOf('pullRequests', pulls, args);
  const nodes = page.map((issue) => ({
    __typename: 'PullRequest',
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: PULL_REQUEST_STATE(issue),
    merged: issue.pull!.merged,
    closed: issue.state === 'closed',
    url: `https://github.com/${repository.owner}/${repository.name}/pull/${issue.number}`,
    headRefName: issue.pull!.head,
    baseRefName: issue.pull!.base,
    headRefOid: repository.branches.get(issue.pull!.head) ?? '0'.repeat(40),
    comments: ({ first, last }: { first?: number; last?: number }) => {
      const all = repository.comments.filter((comment) => comment.issueNumber === issue.number);
      const size = first ?? last ?? 0;
      const chosen = last === undefined ? all.slice(0, size) : all.slice(-size);
      return {
        __typename: 'IssueCommentConnection',
        totalCount: all.length,
        nodes: chosen.map((comment) => ({
          __typename: 'IssueComment',
          body: comment.body,
          author: { __typename: comment.user.type, login: comment.user.login },
        })),
        pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null, startCursor: null },
      };
    },
  }));
  return { __typename: 'PullRequestConnection', nodes, totalCount: pulls.length, pageInfo };
}

/** Issues (not pull requests), filtered by label and state, oldest first unless DESC. */
function issueConnection(
  repository: FakeRepository,
  args: {
    labels?: string[];
    states?: string[];
    first?: number;
    last?: number;
    orderBy?: { field: string; direction: string };
  },
  viewer: string,
) {
  const issues = [...repository.issues.values()].filter(
    (issue) =>
      !issue.pull &&
      (!args.states || args.states.includes(issue.state.toUpperCase())) &&
      (!args.labels || args.labels.some((label) => issue.labels.includes(label))),
  );
  // Issues are numbered as they are created: newest first unless asked otherwise.
  issues.sort((a, b) => (args.orderBy?.direction === 'ASC' ? a.number - b.number : b.number - a.number));
  const { page, pageInfo } = pageOf('issues', issues, args);
  const nodes = page.map((issue) => ({
    __typename: 'Issue',
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state.toUpperCase(),
    url: `https://github.com/${repository.owner}/${repository.name}/issues/${issue.number}`,
    author: { __typename: issue.user.type, login: issue.user.login },
    viewerDidAuthor: issue.user.login === viewer,
  }));
  return { __typename: 'IssueConnection', nodes, totalCount: issues.length, pageInfo };
}

/** A connection's page size, refused as GitHub refuses it: missing, below 1 or over 100. */
function pageSize(connection: string, args: { first?: number; last?: number }): number {
  const size = args.first ?? args.last;
  if (size === undefined)
    throw new GraphQLError(
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${connection}\` connection.`,
      { extensions: { type: 'MISSING_PAGINATION_BOUNDARIES' } },
    );
  if (size < 1 || size > 100)
    throw new GraphQLError(
      `Requesting ${size} records on the \`${connection}\` connection exceeds the \`first\` limit of 100 records.`,
      { extensions: { type: 'EXCESSIVE_PAGINATION' } },
    );
  return size;
}

/** `securityVulnerabilities`: the fake's advisories, one node per affected package, filtered as GitHub filters. */
function vulnerabilityConnection(
  state: FakeState,
  args: { ecosystem?: string; package?: string; first?: number; last?: number; after?: string | null },
) {
  const size = pageSize('securityVulnerabilities', args);
  const all = state.advisories.filter(
    (advisory) =>
      (args.ecosystem === undefined || args.ecosystem === 'ACTIONS') &&
      (args.package === undefined || advisory.package.toLowerCase() === args.package.toLowerCase()),
  );
  const start =
    args.after === undefined || args.after === null ? 0 : Number(Buffer.from(args.after, 'base64').toString()) + 1;
  const page = all.slice(start, start + size);
  const nodes = page.map((advisory) => ({
    __typename: 'SecurityVulnerability',
    severity: advisory.severity,
    vulnerableVersionRange: advisory.vulnerableVersionRange,
    firstPatchedVersion:
      advisory.firstPatchedVersion === null
        ? null
        : { __typename: 'SecurityAdvisoryPackageVersion', identifier: advisory.firstPatchedVersion },
    package: { __typename: 'SecurityAdvisoryPackage', name: advisory.package, ecosystem: 'ACTIONS' },
    updatedAt: '2026-03-24T17:53:12Z',
    advisory: {
      __typename: 'SecurityAdvisory',
      ghsaId: advisory.ghsaId,
      summary: advisory.summary,
      severity: advisory.severity,
      permalink: `https://github.com/advisories/${advisory.ghsaId}`,
      publishedAt: '2026-03-24T17:53:12Z',
      withdrawnAt: null,
    },
  }));
  const endIndex = start + page.length - 1;
  return {
    __typename: 'SecurityVulnerabilityConnection',
    nodes,
    totalCount: all.length,
    pageInfo: {
      hasNextPage: start + page.length < all.length,
      hasPreviousPage: start > 0,
      startCursor: null,
      endCursor: page.length > 0 ? Buffer.from(String(endIndex)).toString('base64') : null,
    },
  };
}

/** One page of a connection's items in creation order (newest first with DESC), as GitHub pages them. */
function pageOf<T>(
  connection: string,
  items: readonly T[],
  args: { first?: number; last?: number; orderBy?: { direction: string } },
) {
  const size = pageSize(connection, args);
  const ordered = args.orderBy?.direction === 'DESC' ? [...items].reverse() : items;
  const page = args.last === undefined ? ordered.slice(0, size) : ordered.slice(-size);
  return {
    page,
    pageInfo: { hasNextPage: ordered.length > page.length, hasPreviousPage: false, endCursor: null, startCursor: null },
  };
}
