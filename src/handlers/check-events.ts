// The events of the pull-request check: a pull request opened or pushed to, a check suite asked
// for (or again), the check run asked for again, and "Pin them" pressed on it. GitHub lists only
// pull requests from the repository's own branches with a check suite or run.
import type { Logger } from 'pino';
import type { Context } from 'probot';
import { CHECK_NAME, PIN_ACTION } from '../check/render-check.js';
import type { GitHubClient } from '../github/github-client.js';
import { eventLog } from './services.js';
import type { HandlerServices } from './services.js';

export const onPullRequest =
  (services: HandlerServices) =>
  async (context: Context<'pull_request.opened' | 'pull_request.synchronize' | 'pull_request.reopened'>) => {
    const { payload } = context;
    if (!payload.installation) return;
    const log = eventLog(context, `pull_request.${payload.action}`, payload.repository.full_name);
    const sameRepository = payload.pull_request.head.repo?.full_name === payload.repository.full_name;
    const target = {
      owner: payload.repository.owner.login,
      name: payload.repository.name,
      pullNumber: payload.pull_request.number,
      headSha: payload.pull_request.head.sha,
      headRef: sameRepository ? payload.pull_request.head.ref : undefined,
    };
    services.checks.check(context.octokit as GitHubClient, log, payload.installation.id, target, false);
  };

export const onCheckSuite =
  (services: HandlerServices) => async (context: Context<'check_suite.requested' | 'check_suite.rerequested'>) => {
    const { payload } = context;
    if (!payload.installation) return;
    const log = eventLog(context, `check_suite.${payload.action}`, payload.repository.full_name);
    const suite = payload.check_suite;
    checkListed(
      services,
      context,
      log,
      payload.installation.id,
      suite.head_sha,
      suite.pull_requests,
      payload.action === 'rerequested',
    );
  };

export const onCheckRunRerequested =
  (services: HandlerServices) => async (context: Context<'check_run.rerequested'>) => {
    const { payload } = context;
    if (!payload.installation || payload.check_run.name !== CHECK_NAME) return;
    const log = eventLog(context, 'check_run.rerequested', payload.repository.full_name);
    checkListed(
      services,
      context,
      log,
      payload.installation.id,
      payload.check_run.head_sha,
      payload.check_run.pull_requests,
      true,
    );
  };

/** Checks, at the head, each pull request a check suite or run lists. */
function checkListed(
  services: HandlerServices,
  context: {
    readonly octokit: unknown;
    readonly payload: { readonly repository: { readonly name: string; readonly owner: { readonly login: string } } };
  },
  log: Logger,
  installationId: number,
  headSha: string,
  pulls: readonly { readonly number: number; readonly head: { readonly ref: string } }[],
  force: boolean,
): void {
  const { repository } = context.payload;
  for (const pull of pulls) {
    const target = {
      owner: repository.owner.login,
      name: repository.name,
      pullNumber: pull.number,
      headSha,
      headRef: pull.head.ref,
    };
    services.checks.check(context.octokit as GitHubClient, log, installationId, target, force);
  }
}

export const onPinThemPressed =
  (services: HandlerServices) => async (context: Context<'check_run.requested_action'>) => {
    const { payload } = context;
    if (
      !payload.installation ||
      payload.check_run.name !== CHECK_NAME ||
      payload.requested_action?.identifier !== PIN_ACTION.identifier
    )
      return;
    const log = eventLog(context, 'check_run.requested_action', payload.repository.full_name);
    const pull = payload.check_run.pull_requests[0];
    const press = {
      checkRunId: payload.check_run.id,
      headSha: payload.check_run.head_sha,
      sender: payload.sender.login,
      pull: pull ? { number: pull.number, headRef: pull.head.ref } : undefined,
    };
    services.checks.pinThem(
      context.octokit as GitHubClient,
      log,
      payload.installation.id,
      { owner: payload.repository.owner.login, name: payload.repository.name },
      press,
    );
  };
