// What a repository's run ended as, and how that is said: in the reply to a comment command, in
// logs, and as the label of the runs metric. Expected situations are outcomes, not errors.
import type { FileLeftAlone } from '../plan/plan-repository.js';
import type { Finding } from '../audit/types.js';
import type { RepositoryLinks } from '../dashboard/org-status.js';
import { CONFIG_PATH } from '../github/load-config.js';
import { inlineCode, safeMessage } from '../markdown/safe-markdown.js';
import type { PullRequestDecision } from '../pull-request/decide-pull-request.js';
import { count } from '../report/words.js';

export type JobOutcome =
  | { readonly status: 'skipped'; readonly reason: 'archived' | 'fork' | 'empty' }
  | { readonly status: 'config-invalid'; readonly problems: readonly string[] }
  | {
      readonly status: 'nothing-to-pin';
      readonly unpinned: number;
      readonly leftAlone: readonly FileLeftAlone[];
      readonly pullRequestUrl: string | undefined;
      readonly report: RunReport;
    }
  | { readonly status: 'closed-by-user'; readonly pullRequestUrl: string; readonly report: RunReport }
  | { readonly status: 'human-commits'; readonly pullRequestUrl: string | undefined; readonly report: RunReport }
  | {
      readonly status: 'dry-run';
      readonly decision: PullRequestDecision['kind'];
      readonly changes: number;
      readonly pins: number;
      readonly unpinned: number;
      readonly report: RunReport;
    }
  | {
      readonly status: 'pull-request';
      readonly action: 'created' | 'updated' | 'reopened' | 'unchanged';
      readonly pullRequestUrl: string;
      readonly number: number;
      readonly pins: number;
      readonly unpinned: number;
      readonly report: RunReport;
    };

/** What the organisation's dashboard keeps of a run. */
export interface RunReport {
  /** Critical and high findings of the default branch. */
  readonly serious: readonly Finding[];
  /** `covered`: dependabot.yml has every entry pinwarden wants; `in-pull-request`: the pull request adds them. */
  readonly dependabot: 'covered' | 'in-pull-request' | 'not-covered' | 'not-needed';
  /** The newest pinwarden pull request's state, as the run read it. */
  readonly pullRequestState: 'OPEN' | 'CLOSED' | 'MERGED' | undefined;
  /** Where the dashboard links: the repository, its pinning pull request, its findings issue. */
  readonly links?: RepositoryLinks;
}

/** One line for a comment reply or a log: what the run did. */
export function describeOutcome(outcome: JobOutcome): string {
  switch (outcome.status) {
    case 'skipped':
      return `Nothing done: the repository is ${outcome.reason === 'empty' ? 'empty' : outcome.reason === 'fork' ? 'a fork' : 'archived'}.`;
    case 'config-invalid':
      return [
        `Nothing done: \`${CONFIG_PATH}\` is invalid.`,
        '',
        ...outcome.problems.map((problem) => `- ${safeMessage(problem)}`),
      ].join('\n');
    case 'nothing-to-pin':
      return [
        `Nothing to pin: every action is already pinned to a commit${outcome.unpinned > 0 ? ` or could not be resolved (${outcome.unpinned} left as they are)` : ''}.${outcome.pullRequestUrl ? ` Open pull request: ${outcome.pullRequestUrl}` : ''}`,
        ...(outcome.leftAlone.length > 0
          ? [
              '',
              'Files left alone:',
              ...outcome.leftAlone.map(
                ({ path, detail }) => `- ${inlineCode(path)}: ${safeMessage(detail.split('\n')[0] ?? detail)}`,
              ),
            ]
          : []),
      ].join('\n');
    case 'closed-by-user':
      return `The pinning pull request was closed without merge: ${outcome.pullRequestUrl}`;
    case 'human-commits':
      return `Someone else committed to pinwarden's branch, so it was not overwritten${outcome.pullRequestUrl ? `: ${outcome.pullRequestUrl}` : '.'}`;
    case 'dry-run':
      return `Dry run: ${outcome.decision === 'write' ? `would write ${outcome.changes} files (${outcome.pins} pins)` : outcome.decision}.`;
    case 'pull-request':
      return `Pull request ${outcome.action}: ${outcome.pullRequestUrl} (${count(outcome.pins, 'pin')}${outcome.unpinned > 0 ? `, ${outcome.unpinned} left as they are` : ''}).`;
  }
}

/** A run's outcome as a label: its status, a pull request with what was done to it, or `failed`. */
export function outcomeLabel(outcome: JobOutcome | undefined): string {
  if (!outcome) return 'failed';
  return outcome.status === 'pull-request' ? `pull-request-${outcome.action}` : outcome.status;
}
