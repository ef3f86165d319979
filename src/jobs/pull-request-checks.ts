// The check's use cases as events ask for them. A push to a pull request's branch brings both
// `pull_request.synchronize` and `check_suite.requested`: a head checked in the last minute is not
// checked again unless asked. "Pin them" is taken only from someone who can write (GitHub shows
// the button to them, and is asked again); a refusal is said on the check run where it was pressed.
import type { Logger } from 'pino';
import type { GitHubClient } from '../github/github-client.js';
import { sayOnCheckRun } from '../github/check-runs.js';
import { writeAccess } from '../github/write-access.js';
import { inlineCode } from '../markdown/safe-markdown.js';
import { applyCheckFix, runCheck } from './run-check.js';
import type { CheckDeps, CheckTarget } from './run-check.js';

/** A head checked within this is not checked again for a second event of the same push. */
const RECENT_CHECK_MS = 60_000;

export interface PinThemPress {
  readonly checkRunId: number;
  readonly headSha: string;
  readonly sender: string;
  /** The pull request from this repository the run belongs to; none: nothing to push to. */
  readonly pull: { readonly number: number; readonly headRef: string } | undefined;
}

export interface PullRequestChecks {
  /** Checks the pull request's head (in the background), unless it was checked a moment ago and `force` is not set. */
  check(github: GitHubClient, log: Logger, installationId: number, target: CheckTarget, force: boolean): void;
  /** "Pin them" pressed on the check run (in the background). */
  pinThem(
    github: GitHubClient,
    log: Logger,
    installationId: number,
    repository: { owner: string; name: string },
    press: PinThemPress,
  ): void;
}

export function pullRequestChecks(deps: {
  readonly checkDeps: (installationId: number, github: GitHubClient, log: Logger) => CheckDeps;
  readonly track: (work: Promise<unknown>) => void;
}): PullRequestChecks {
  const recent = new Map<string, number>();
  return {
    check(github, log, installationId, target, force) {
      const key = `${installationId}/${target.owner}/${target.name}@${target.headSha}`.toLowerCase();
      if (!force && recent.has(key)) return;
      recent.set(key, Date.now());
      for (const [seen, at] of recent) if (Date.now() - at > RECENT_CHECK_MS) recent.delete(seen);
      deps.track(
        runCheck(deps.checkDeps(installationId, github, log), target).catch((error: unknown) =>
          log.error({ err: error }, 'check failed'),
        ),
      );
    },
    pinThem(github, log, installationId, repository, press) {
      deps.track(
        pressPinThem(deps.checkDeps(installationId, github, log), repository, press).catch((error: unknown) =>
          log.error({ err: error }, 'pin them failed'),
        ),
      );
    },
  };
}

async function pressPinThem(
  deps: CheckDeps,
  repository: { owner: string; name: string },
  press: PinThemPress,
): Promise<void> {
  const { github, log } = deps;
  const access = await writeAccess(github, repository, press.sender);
  if (!access.allowed) {
    log.info({ sender: press.sender }, 'refused: the sender cannot write to the repository');
    // Said where it was pressed: the button stays for those who can write.
    await sayOnCheckRun(
      github,
      { ...repository, checkRunId: press.checkRunId },
      {
        title: 'Not pinned: write access needed',
        summary: `Only people who can write to this repository can pin from here; ${inlineCode(press.sender)} has ${inlineCode(access.role)}. A maintainer can press the button, or comment \`/pinwarden pin\`.`,
      },
    );
    return;
  }
  if (!press.pull) {
    log.info('no pull request from this repository for the run; nothing pushed');
    return;
  }
  const outcome = await applyCheckFix(deps, {
    ...repository,
    pullNumber: press.pull.number,
    headSha: press.headSha,
    headRef: press.pull.headRef,
    checkRunId: press.checkRunId,
  });
  log.info({ outcome: outcome.status }, `pin them: ${outcome.status}`);
}
