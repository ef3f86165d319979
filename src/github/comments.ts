// Comments and reactions pinwarden writes on issues and pull requests: the reply to a command, a
// config problem on its pull request, the note about someone else's commit on its branch.
import type { GitHubClient } from './github-client.js';

export interface RepositoryName {
  readonly owner: string;
  readonly name: string;
}

export async function postComment(
  github: GitHubClient,
  repository: RepositoryName,
  issueNumber: number,
  body: string,
): Promise<void> {
  await github.rest.issues.createComment({
    owner: repository.owner,
    repo: repository.name,
    issue_number: issueNumber,
    body,
  });
}

/** 👀 when a command is taken, 😕 when it is refused again. */
export async function reactToComment(
  github: GitHubClient,
  repository: RepositoryName,
  commentId: number,
  content: 'eyes' | 'confused',
): Promise<void> {
  await github.rest.reactions.createForIssueComment({
    owner: repository.owner,
    repo: repository.name,
    comment_id: commentId,
    content,
  });
}
