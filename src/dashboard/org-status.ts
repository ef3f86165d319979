// The organisation's dashboard, on plain data: where each repository of the installation stands
// in the rollout, the serious findings by repository (critical first), the repositories Dependabot
// does not keep current yet, and the queue's ETA under GitHub's write budget. One Markdown body
// lines out (the issue's marker and footer are added where every pinwarden issue gets them); they
// change only when the state does (no clock in them), so an unchanged state is not rewritten.
import type { Finding } from '../audit/types.js';
import { severityRank } from '../audit/types.js';
import { inlineCode, safeText } from '../markdown/safe-markdown.js';

export type RolloutState =
  'pull-request-open' | 'merged' | 'closed-without-merge' | 'nothing-to-pin' | 'failed' | 'skipped' | 'config-invalid';

export interface RepositoryStatus {
  readonly repository: string;
  readonly state: RolloutState;
  readonly serious: readonly (Pick<Finding, 'severity' | 'path' | 'line' | 'check' | 'message'> & {
    readonly uses?: string;
  })[];
  readonly dependabot: 'covered' | 'in-pull-request' | 'not-covered' | 'not-needed' | undefined;
  readonly links?: RepositoryLinks;
}

/** Web addresses, when the run knew them: the repository, its pinning pull request, its findings issue, its reports. */
export interface RepositoryLinks {
  readonly repository: string;
  readonly pullRequest?: string;
  readonly findingsIssue?: string;
  /** pinwarden's alerts in code scanning, and the dependency graph its snapshot went to. */
  readonly codeScanning?: string;
  readonly dependencyGraph?: string;
}

export interface DashboardInput {
  /** The organisation (or user) the installation is on. */
  readonly owner?: string;
  readonly statuses: readonly RepositoryStatus[];
  /** Repositories the installation holds (read or not yet). */
  readonly repositories: number;
  /** Runs waiting in the queue. */
  readonly queued: number;
  /** Content-creating requests a repository's run takes (branch, commit, pull request). */
  readonly writesPerRun: number;
  /** GitHub's hourly budget of content-creating requests per installation. */
  readonly writesPerHour: number;
}

const STATE_WORDS: Record<RolloutState, string> = {
  'pull-request-open': 'pull request open',
  merged: 'merged',
  'closed-without-merge': 'closed without merge',
  'nothing-to-pin': 'nothing to pin',
  failed: 'failed',
  skipped: 'skipped (archived, fork or empty)',
  'config-invalid': 'config invalid',
};

/** Hours the queue needs at the write budget: every queued run may write. */
export function etaHours(queued: number, writesPerRun: number, writesPerHour: number): number {
  return (queued * writesPerRun) / writesPerHour;
}

export function dashboardLines(input: DashboardInput): string[] {
  const statuses = [...input.statuses].sort((a, b) => a.repository.localeCompare(b.repository));
  const counts = new Map<RolloutState, number>();
  for (const status of statuses) counts.set(status.state, (counts.get(status.state) ?? 0) + 1);
  const eta = etaHours(input.queued, input.writesPerRun, input.writesPerHour);
  const lines = [
    '### Rollout',
    `${statuses.length} of ${input.repositories} repositories read; ${input.queued} queued${input.queued > 0 ? `, about ${eta < 1 ? `${Math.max(1, Math.round(eta * 60))} minutes` : `${eta.toFixed(1)} hours`} more at GitHub's ${input.writesPerHour} writes an hour` : ''}.`,
    '',
    '| State | Repositories |',
    '| --- | ---: |',
    ...(Object.keys(STATE_WORDS) as RolloutState[])
      .filter((state) => counts.has(state))
      .map((state) => `| ${STATE_WORDS[state]} | ${counts.get(state)} |`),
  ];
  lines.push(...incidentLines(statuses));
  const serious = statuses
    .filter((status) => status.serious.length > 0)
    .sort((a, b) => worst(a) - worst(b) || a.repository.localeCompare(b.repository));
  lines.push('', '### Security findings (critical and high)');
  if (serious.length === 0) lines.push('None.');
  for (const status of serious.slice(0, 100)) {
    const findings = [...status.serious].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    const issue = [
      ...(status.links?.findingsIssue ? [`[the findings issue](${status.links.findingsIssue})`] : []),
      ...(status.links?.codeScanning ? [`[code scanning](${status.links.codeScanning})`] : []),
    ];
    lines.push(
      `- ${repositoryLink(status)}: ${findings
        .slice(0, 5)
        .map(
          (finding) =>
            `**${finding.severity}** ${fileLink(status, finding.path, finding.line)} ${safeText(finding.check)}`,
        )
        .join(
          '; ',
        )}${findings.length > 5 ? `; and ${findings.length - 5} more` : ''}${issue.length > 0 ? ` (${issue.join(', ')})` : ''}`,
    );
  }
  if (serious.length > 100) lines.push(`- … and ${serious.length - 100} more repositories`);
  // An open pinning pull request adds the entries (the rollout counts those): only the rest is said.
  const uncovered = statuses.filter((status) => status.dependabot === 'not-covered');
  lines.push('', '### Not yet kept current by Dependabot');
  if (uncovered.length === 0) lines.push('None beyond the open pinning pull requests, which add the entries.');
  else
    lines.push(
      ...uncovered
        .slice(0, 200)
        .map(
          (status) =>
            `- ${repositoryLink(status)}: its \`dependabot.yml\` could not be extended; ${status.links?.pullRequest ? `[the pull request](${status.links.pullRequest}) says why` : 'the pull request says why'}`,
        ),
    );
  lines.push('', ...inventoryLines(input.owner, statuses));
  const failed = statuses.filter((status) => status.state === 'failed' || status.state === 'config-invalid');
  if (failed.length > 0)
    lines.push(
      '',
      '### Needs a look',
      ...failed.slice(0, 100).map((status) => `- ${repositoryLink(status)}: ${STATE_WORDS[status.state]}`),
    );
  return lines;
}

/** Where the inventory is: each repository's dependency graph, and the command that answers for all of them. */
function inventoryLines(owner: string | undefined, statuses: readonly RepositoryStatus[]): string[] {
  const graphed = statuses.filter((status) => status.links?.dependencyGraph);
  return [
    '### Inventory',
    `Who runs an action or an image, at which commit or digest, in every repository: ${inlineCode(`pinwarden inventory --org ${owner ?? '<owner>'} --name aquasecurity/trivy-action`)} (CSV, JSON or CycloneDX, with the findings).`,
    graphed.length === 0
      ? 'No repository has its actions and images in the dependency graph yet (a snapshot needs the dependency graph on).'
      : `Each repository's actions and images are in its dependency graph: ${graphed
          .slice(0, 100)
          .map((status) => `[${inlineCode(status.repository)}](${status.links!.dependencyGraph})`)
          .join(', ')}${graphed.length > 100 ? `, and ${graphed.length - 100} more` : ''}.`,
  ];
}

/** The repository's name, linked to it when the run knew where it is, with its pinning pull request. */
function repositoryLink(status: RepositoryStatus): string {
  const name = status.links
    ? `[${inlineCode(status.repository)}](${status.links.repository})`
    : inlineCode(status.repository);
  return status.links?.pullRequest ? `${name} ([pull request](${status.links.pullRequest}))` : name;
}

function fileLink(status: RepositoryStatus, path: string, line: number): string {
  const code = inlineCode(`${path}:${line}`);
  if (!status.links) return code;
  const file = path.split('/').map(encodeURIComponent).join('/');
  return `[${code}](${status.links.repository}/blob/HEAD/${file}${line > 0 ? `#L${line}` : ''})`;
}

function worst(status: RepositoryStatus): number {
  return Math.min(...status.serious.map((finding) => severityRank(finding.severity)));
}

/** Checks that say an action's releases are being tampered with now: an incident for the whole organisation. */
const INCIDENT_CHECKS: ReadonlySet<string> = new Set(['tag-moved-since-seen', 'impostor-tag', 'mass-retag']);

/** Each action with an incident, and the repositories that use it (held in every one of them). */
function incidentLines(statuses: readonly RepositoryStatus[]): string[] {
  const byAction = new Map<string, { checks: Set<string>; repositories: Set<string> }>();
  for (const status of statuses) {
    for (const finding of status.serious) {
      if (!INCIDENT_CHECKS.has(finding.check) || !finding.uses) continue;
      const action = finding.uses.split('@')[0]!.split('/').slice(0, 2).join('/').toLowerCase();
      const entry = byAction.get(action) ?? { checks: new Set<string>(), repositories: new Set<string>() };
      entry.checks.add(finding.check);
      entry.repositories.add(status.repository);
      byAction.set(action, entry);
    }
  }
  if (byAction.size === 0) return [];
  return [
    '',
    '### Incidents',
    'The releases of these actions look tampered with right now; pinwarden writes no pin to them in any repository. Check the runs that used them since, and rotate what those runs could read.',
    ...[...byAction]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, 50)
      .map(
        ([action, { checks, repositories }]) =>
          `- ${inlineCode(action)} (${[...checks].sort().join(', ')}): used by ${[...repositories]
            .sort()
            .slice(0, 20)
            .map((repository) => inlineCode(repository))
            .join(', ')}${repositories.size > 20 ? ` and ${repositories.size - 20} more` : ''}`,
      ),
  ];
}
