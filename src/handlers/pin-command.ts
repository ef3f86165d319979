// A `/pinwarden pin` comment on an issue or pull request, as a reader sees it on GitHub; a bot's
// comment is never taken as a command.
import type { Context } from 'probot';
import { isPinCommand } from '../command/parse-pin-command.js';
import type { GitHubClient } from '../github/github-client.js';
import { eventLog } from './services.js';
import type { HandlerServices } from './services.js';

export const onPinCommand = (services: HandlerServices) => async (context: Context<'issue_comment.created'>) => {
  const { payload } = context;
  if (!payload.installation || !isPinCommand(payload.comment.body)) return;
  const log = eventLog(context, 'issue_comment.created', payload.repository.full_name);
  const commenter = payload.comment.user;
  if (!commenter || commenter.type === 'Bot')
    return log.info({ commenter: commenter?.login }, 'ignored: the command came from a bot');
  const repository = { owner: payload.repository.owner.login, name: payload.repository.name };
  services.pinCommand(context.octokit as GitHubClient, log, {
    installationId: payload.installation.id,
    repository,
    issueNumber: payload.issue.number,
    commentId: payload.comment.id,
    commenter: commenter.login,
  });
};
