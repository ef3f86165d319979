// Whether a person may make pinwarden write to a repository: asked of GitHub each time (a comment
// command, the "Pin them" button), never taken from the event.
import type { RepositoryName } from './comments.js';
import type { GitHubClient } from './github-client.js';

const WRITERS = new Set(['admin', 'maintain', 'write']);

/** Whether `login` may write to the repository, and the role GitHub names. */
export async function writeAccess(
  github: GitHubClient,
  repository: RepositoryName,
  login: string,
): Promise<{ allowed: boolean; role: string }> {
  const { data } = await github.rest.repos.getCollaboratorPermissionLevel({
    owner: repository.owner,
    repo: repository.name,
    username: login,
  });
  return { allowed: WRITERS.has(data.permission) || WRITERS.has(data.role_name), role: data.role_name };
}
