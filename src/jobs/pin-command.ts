// The `/pinwarden pin` comment: taken from someone who can write to the repository (asked of
// GitHub), answered with 👀 and a queued run that replies when it ends, on whichever replica runs
// it. Anyone else is told once per issue and window why nothing happens; asking again gets 😕,
// never another post, so nobody can make the bot post (and @mention them) without limit.
import type { Logger } from 'pino';
import type { RefusalWindow } from '../command/refusal-window.js';
import { postComment, reactToComment } from '../github/comments.js';
import type { GitHubClient } from '../github/github-client.js';
import { writeAccess } from '../github/write-access.js';
import type { RunRequest } from '../queue/pending-run.js';

export interface PinCommand {
  readonly installationId: number;
  readonly repository: { readonly owner: string; readonly name: string };
  readonly issueNumber: number;
  readonly commentId: number;
  readonly commenter: string;
}

export async function answerPinCommand(
  deps: {
    readonly github: GitHubClient;
    readonly log: Pick<Logger, 'info'>;
    readonly refusals: RefusalWindow;
    readonly submit: (request: Omit<RunRequest, 'priority'>) => Promise<void>;
  },
  command: PinCommand,
): Promise<void> {
  const { github, log } = deps;
  const { owner, name } = command.repository;
  const access = await writeAccess(github, command.repository, command.commenter);
  if (!access.allowed) {
    log.info(
      { commenter: command.commenter, permission: access.role },
      'refused: the commenter cannot write to the repository',
    );
    if (
      deps.refusals.firstRefusal(`${command.installationId}/${owner}/${name}#${command.issueNumber}`, command.commenter)
    ) {
      await postComment(
        github,
        command.repository,
        command.issueNumber,
        `@${command.commenter} thanks for asking; only people with write access to this repository can run pinwarden (your access here is \`${access.role}\`). A maintainer can comment \`/pinwarden pin\` instead.`,
      );
    } else {
      await reactToComment(github, command.repository, command.commentId, 'confused');
    }
    return;
  }
  await reactToComment(github, command.repository, command.commentId, 'eyes');
  await deps.submit({
    installationId: command.installationId,
    owner,
    name,
    trigger: 'command',
    reply: { issueNumber: command.issueNumber, login: command.commenter },
  });
}
