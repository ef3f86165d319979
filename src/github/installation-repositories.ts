// The repositories an installation can reach, when its install event did not list them.
import type { GitHubClient } from './github-client.js';

export async function installationRepositories(github: GitHubClient): Promise<string[]> {
  return (await github.paginate('GET /installation/repositories', { per_page: 100 })).map(
    (repository) => repository.full_name,
  );
}
