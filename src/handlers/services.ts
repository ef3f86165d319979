// What the event handlers are handed: the use cases they start, nothing of GitHub's API. Each
// handler reads its event, decides whether it concerns pinwarden, and hands the rest on.
import type { Logger } from 'pino';
import type { GitHubClient } from '../github/github-client.js';
import type { PinCommand } from '../jobs/pin-command.js';
import type { PullRequestChecks } from '../jobs/pull-request-checks.js';
import type { RunRequest } from '../queue/pending-run.js';

export interface HandlerServices {
  /** Queues an installation's scan (in Redis it survives a restart); it queues the runs. */
  scan(installationId: number, listed: readonly string[] | undefined): Promise<void>;
  /** Drops everything of an uninstalled installation: queued runs, caches, reads, the dashboard. */
  forgetInstallation(installationId: number): Promise<void>;
  /** Queues a repository's run, ranked by its trigger. */
  submit(request: Omit<RunRequest, 'priority'>): Promise<void>;
  /** The org-wide config changed: read it afresh. */
  forgetConfig(owner: string): void;
  /** Whether the App pins images (a push of any image file then concerns it). */
  readonly imagesOn: boolean;
  readonly checks: PullRequestChecks;
  /** Answers a `/pinwarden pin` comment (in the background). */
  pinCommand(github: GitHubClient, log: Logger, command: PinCommand): void;
}

/** The handler's logger, named for its event and repository. */
export function eventLog(context: { readonly log: unknown }, event: string, repository: string): Logger {
  return (context.log as Logger).child({ event, repository });
}
