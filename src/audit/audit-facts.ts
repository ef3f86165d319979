// What the audit asks of GitHub beyond "which commit does this ref name": whether a pinned commit
// is in the repository's history or only in a fork, the advisory database for actions, and an
// action's manifest at a commit. A port with two adapters: refs data offline
// (`table-audit-facts.ts`) and GitHub's GraphQL API (`github/github-audit-facts.ts`).
import type { RefResolver } from '../resolve/types.js';
import type { TrustSource } from '../trust/sources.js';

export type Reachability = 'reachable' | 'impostor' | 'unknown';

export interface ReachabilityQuestion {
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  /** A tag worth comparing against besides the default branch (the version the comment names). */
  readonly tag?: string;
}

export interface ActionAdvisory {
  readonly ghsaId: string;
  readonly summary: string;
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  /** `owner/repo` of the action. */
  readonly package: string;
  readonly vulnerableVersionRange: string;
  readonly firstPatchedVersion: string | undefined;
}

export interface ManifestQuestion {
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  /** The action's folder in its repository (`init` of `github/codeql-action/init`), if any; a reusable workflow's file. */
  readonly path: string | undefined;
  /** `workflow`: `path` is a reusable workflow's file, read as it is; else the action.yml in `path`. */
  readonly kind?: 'action' | 'workflow';
}

export interface AuditFacts extends RefResolver {
  reachability(questions: readonly ReachabilityQuestion[]): Promise<ReadonlyMap<string, Reachability>>;
  /** Every advisory of the Actions ecosystem, or undefined when they cannot be had (said in the report). */
  advisories(): Promise<readonly ActionAdvisory[] | undefined>;
  /** `action.yml` (or `action.yaml`) text at a commit; undefined when there is none or it cannot be read. */
  manifests(questions: readonly ManifestQuestion[]): Promise<ReadonlyMap<string, string | undefined>>;
  /** Which of `names` are repositories of `owner` (the stealer's fallback repositories); undefined when it cannot be asked. */
  repositoriesNamed?(owner: string, names: readonly string[]): Promise<readonly string[] | undefined>;
  /** The repository's workflow runs created in a window (needs `actions: read`), or why they cannot be listed. */
  workflowRuns?(
    owner: string,
    repo: string,
    window: { start: string; end: string },
  ): Promise<{ readonly runs: readonly WorkflowRun[] } | { readonly unavailable: string }>;
  /** What pin-time trust asks (listings, compare); without it, tags are not judged before pinning. */
  readonly trust?: TrustSource;
  /** Files at commits of one repository (a workflow as it was when it ran); undefined where there is none. */
  filesAt?(
    owner: string,
    repo: string,
    wanted: readonly { sha: string; path: string }[],
  ): Promise<ReadonlyMap<string, string | undefined>>;
}

export interface WorkflowRun {
  readonly id: number;
  readonly path: string;
  readonly headSha: string;
  readonly createdAt: string;
  readonly url: string;
}

export function reachabilityKey(question: Pick<ReachabilityQuestion, 'owner' | 'repo' | 'sha'>): string {
  return `${question.owner}/${question.repo}@${question.sha}`.toLowerCase();
}

export function manifestKey(question: ManifestQuestion): string {
  const kind = question.kind === 'workflow' ? 'workflow:' : '';
  return `${kind}${question.owner}/${question.repo}/${question.path ?? ''}@${question.sha}`.toLowerCase();
}

/** Severity words as GitHub's two APIs spell them (REST `medium`, GraphQL `MODERATE`). */
export function advisorySeverity(value: string): ActionAdvisory['severity'] {
  const word = value.toLowerCase();
  if (word === 'critical' || word === 'high' || word === 'low') return word;
  return 'medium';
}
