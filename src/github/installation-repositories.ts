// The repositories an installation can reach, when its install event did not list them; an owner's, for a token.
import type { GitHubClient } from './github-client.js';
import { statusOf } from './github-client.js';

export async function installationRepositories(github: GitHubClient): Promise<string[]> {
  return (await github.paginate('GET /installation/repositories', { per_page: 100 })).map(
    (repository) => repository.full_name,
  );
}

/** An organisation's repositories a token can see (a user's, when `owner` is no organisation), archived ones left out. */
export async function ownerRepositories(github: GitHubClient, owner: string): Promise<string[]> {
  let repositories: { full_name: string; archived?: boolean }[];
  try {
    repositories = await github.paginate('GET /orgs/{org}/repos', { org: owner, per_page: 100 });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    repositories = await github.paginate('GET /users/{username}/repos', { username: owner, per_page: 100 });
  }
  return repositories.filter((repository) => !repository.archived).map((repository) => repository.full_name);
}
