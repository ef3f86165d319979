// The audit's facts from GitHub's GraphQL API, batched: reachability of pinned commits (one
// query per 50, comparing each against the default branch and the tag its comment names, as
// GitHub's own gh-actions-lock does), the whole advisory database for actions (one query a page
// of 100, read once per instance), and action manifests at commits (one query per 50).
import type {
  ActionAdvisory,
  AuditFacts,
  ManifestQuestion,
  Reachability,
  ReachabilityQuestion,
  WorkflowRun,
} from '../audit/audit-facts.js';
import { advisorySeverity, manifestKey, reachabilityKey } from '../audit/audit-facts.js';
import { LRUCache } from 'lru-cache';
import type { RefResolver } from '../resolve/types.js';
import { createGitHubTrustSource } from './github-trust-source.js';
import { chunks, partial } from './graphql-batches.js';

export const AUDIT_BATCH = 50;

interface GraphqlClient {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  request?(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown }>;
}

const batches = <T>(items: readonly T[]) => chunks(items, AUDIT_BATCH);

const text = (value: string) => JSON.stringify(value);

export function createGitHubAuditFacts(client: GraphqlClient, resolver: RefResolver): AuditFacts {
  let advisories: Promise<readonly ActionAdvisory[] | undefined> | undefined;
  // A commit's manifest never changes, nor (within the hour an instance lives) whether a branch
  // holds it: each is asked once per instance, as an installation's actions repeat across its
  // repositories.
  const manifestCache = new LRUCache<string, { text: string | undefined }>({ max: 5_000 });
  const reachabilityCache = new LRUCache<string, Reachability>({ max: 20_000 });
  const runLists = new Map<string, Promise<{ runs: WorkflowRun[] } | { unavailable: string }>>();
  const listRuns = async (
    owner: string,
    repo: string,
    window: { start: string; end: string },
  ): Promise<{ runs: WorkflowRun[] } | { unavailable: string }> => {
    if (!client.request) return { unavailable: 'no REST client' };
    try {
      const runs: WorkflowRun[] = [];
      // A window of hours holds few runs; ten pages (1,000 runs) is the most read.
      for (let page = 1; page <= 10; page += 1) {
        const { data } = (await client.request('GET /repos/{owner}/{repo}/actions/runs', {
          owner,
          repo,
          created: `${window.start}..${window.end}`,
          per_page: 100,
          page,
        })) as {
          data: {
            total_count: number;
            workflow_runs: { id: number; path: string; head_sha: string; created_at: string; html_url: string }[];
          };
        };
        runs.push(
          ...data.workflow_runs.map((run) => ({
            id: run.id,
            path: run.path,
            headSha: run.head_sha,
            createdAt: run.created_at,
            url: run.html_url,
          })),
        );
        if (data.workflow_runs.length < 100 || runs.length >= data.total_count) break;
      }
      return { runs };
    } catch (error) {
      const status = (error as { status?: number }).status;
      return {
        unavailable:
          status === 403 || status === 404
            ? 'the app cannot read workflow runs here (grant it "actions: read")'
            : `listing the runs failed (${status ?? (error as Error).message})`,
      };
    }
  };
  const namedRepositories = new Map<string, Promise<readonly string[] | undefined>>();
  const askRepositoriesNamed = async (
    owner: string,
    names: readonly string[],
  ): Promise<readonly string[] | undefined> => {
    if (names.length === 0) return [];
    const fields = names.map(
      (name, index) => `  n${index}: repository(owner: ${text(owner)}, name: ${text(name)}) { name }`,
    );
    const data = await partial<Record<string, { name: string } | null>>(
      client,
      `query pinwardenExfiltrationRepositories {\n${fields.join('\n')}\n}`,
    );
    if (!data) return undefined;
    return names.filter((_name, index) => data[`n${index}`] != null);
  };

  return {
    resolve: (requests) => resolver.resolve(requests),
    trust: createGitHubTrustSource(client),

    async reachability(questions: readonly ReachabilityQuestion[]) {
      const answers = new Map<string, Reachability>();
      const unknown = questions.filter((question) => {
        const cached = reachabilityCache.get(reachabilityKey(question));
        if (cached) answers.set(reachabilityKey(question), cached);
        return !cached;
      });
      for (const batch of batches(unknown)) {
        const fields = batch.map((question, index) => {
          const tag = question.tag
            ? ` t: ref(qualifiedName: ${text(`refs/tags/${question.tag}`)}) { compare(headRef: ${text(question.sha)}) { status } }`
            : '';
          return `  q${index}: repository(owner: ${text(question.owner)}, name: ${text(question.repo)}) { d: defaultBranchRef { compare(headRef: ${text(question.sha)}) { status } }${tag} }`;
        });
        type Answer = Record<
          string,
          {
            d?: { compare: { status: string } | null } | null;
            t?: { compare: { status: string } | null } | null;
          } | null
        >;
        const data = await partial<Answer>(client, `query pinwardenReachability {\n${fields.join('\n')}\n}`);
        batch.forEach((question, index) => {
          const answer = data?.[`q${index}`];
          const statuses = [answer?.d?.compare?.status, answer?.t?.compare?.status].filter(
            (status): status is string => status !== undefined,
          );
          const verdict: Reachability = statuses.some((status) => status === 'BEHIND' || status === 'IDENTICAL')
            ? 'reachable'
            : statuses.length > 0
              ? 'impostor'
              : 'unknown';
          answers.set(reachabilityKey(question), verdict);
          if (verdict !== 'unknown') reachabilityCache.set(reachabilityKey(question), verdict);
        });
      }
      return answers;
    },

    advisories() {
      advisories ??= (async () => {
        const all: ActionAdvisory[] = [];
        let after: string | null = null;
        // The Actions ecosystem holds about 60 advisories: one page, two at most.
        for (let page = 0; page < 5; page += 1) {
          type Page = {
            securityVulnerabilities: {
              nodes: {
                vulnerableVersionRange: string;
                firstPatchedVersion: { identifier: string } | null;
                package: { name: string };
                advisory: { ghsaId: string; summary: string; severity: string; withdrawnAt: string | null };
              }[];
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          };
          const data: Page | undefined = await partial<Page>(
            client,
            'query pinwardenAdvisories($after: String) { securityVulnerabilities(ecosystem: ACTIONS, first: 100, after: $after) { nodes { vulnerableVersionRange firstPatchedVersion { identifier } package { name } advisory { ghsaId summary severity withdrawnAt } } pageInfo { hasNextPage endCursor } } }',
            { after },
          );
          if (!data) return undefined;
          for (const node of data.securityVulnerabilities.nodes) {
            if (node.advisory.withdrawnAt) continue;
            all.push({
              ghsaId: node.advisory.ghsaId,
              summary: node.advisory.summary,
              severity: advisorySeverity(node.advisory.severity),
              package: node.package.name,
              vulnerableVersionRange: node.vulnerableVersionRange,
              firstPatchedVersion: node.firstPatchedVersion?.identifier,
            });
          }
          if (!data.securityVulnerabilities.pageInfo.hasNextPage) break;
          after = data.securityVulnerabilities.pageInfo.endCursor;
        }
        return all;
      })();
      return advisories;
    },

    repositoriesNamed(owner: string, names: readonly string[]) {
      // Asked once per owner while the instance lives (an hour in the App): not once per repository.
      const key = `${owner.toLowerCase()} ${names.join(',')}`;
      if (!namedRepositories.has(key)) namedRepositories.set(key, askRepositoriesNamed(owner, names));
      return namedRepositories.get(key)!;
    },

    workflowRuns(owner: string, repo: string, window: { start: string; end: string }) {
      // A past window's runs do not change: listed once per repository while the instance lives.
      const key = `${owner}/${repo} ${window.start}..${window.end}`.toLowerCase();
      if (!runLists.has(key)) runLists.set(key, listRuns(owner, repo, window));
      return runLists.get(key)!;
    },

    async filesAt(owner: string, repo: string, wanted: readonly { sha: string; path: string }[]) {
      const answers = new Map<string, string | undefined>();
      for (const batch of batches(wanted)) {
        const fields = batch.map(
          (file, index) =>
            `f${index}: object(expression: ${text(`${file.sha}:${file.path}`)}) { ... on Blob { text } }`,
        );
        const data = await partial<{ repository: Record<string, { text: string | null } | null> | null }>(
          client,
          `query pinwardenFilesAt { repository(owner: ${text(owner)}, name: ${text(repo)}) { ${fields.join(' ')} } }`,
        );
        batch.forEach((file, index) =>
          answers.set(`${file.sha}:${file.path}`, data?.repository?.[`f${index}`]?.text ?? undefined),
        );
      }
      return answers;
    },

    async manifests(questions: readonly ManifestQuestion[]) {
      const answers = new Map<string, string | undefined>();
      const unknown = questions.filter((question) => {
        const cached = manifestCache.get(manifestKey(question));
        if (cached) answers.set(manifestKey(question), cached.text);
        return !cached;
      });
      for (const batch of batches(unknown)) {
        const fields = batch.map((question, index) => {
          const blob = (path: string) =>
            `object(expression: ${text(`${question.sha}:${path}`)}) { ... on Blob { text } }`;
          const folder = question.path ? `${question.path}/` : '';
          // A reusable workflow is its file; an action, its folder's action.yml or action.yaml.
          const files =
            question.kind === 'workflow'
              ? `yml: ${blob(question.path ?? '')}`
              : `yml: ${blob(`${folder}action.yml`)} yaml: ${blob(`${folder}action.yaml`)}`;
          return `  m${index}: repository(owner: ${text(question.owner)}, name: ${text(question.repo)}) { ${files} }`;
        });
        const data = await partial<
          Record<string, { yml: { text: string | null } | null; yaml?: { text: string | null } | null } | null>
        >(client, `query pinwardenManifests {\n${fields.join('\n')}\n}`);
        batch.forEach((question, index) => {
          const answer = data?.[`m${index}`];
          const found = answer?.yml?.text ?? answer?.yaml?.text ?? undefined;
          answers.set(manifestKey(question), found);
          // Only answers GitHub gave are kept; a failed query is asked again next time.
          if (answer !== undefined) manifestCache.set(manifestKey(question), { text: found });
        });
      }
      return answers;
    },
  };
}
