// The organisation dashboard's reads at GitHub: the issues pinwarden wrote in the dashboard's
// repository (looked up before each write: another replica may have created or edited one), and
// whether the installation can read a candidate repository at all.
import type { GitHubClient } from './github-client.js';
import { statusOf } from './github-client.js';
import { PINWARDEN_ISSUES_FIELD } from './read-repository.js';

const FIND_ISSUES = `query pinwardenDashboard($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    ${PINWARDEN_ISSUES_FIELD}
  }
}`;

export interface PinwardenIssue {
  readonly number: number;
  readonly body: string;
  readonly author: { readonly __typename: string } | null;
  readonly viewerDidAuthor?: boolean;
}

export async function pinwardenIssues(
  github: GitHubClient,
  target: { readonly owner: string; readonly name: string },
): Promise<readonly PinwardenIssue[]> {
  const { repository } = await github.graphql<{ repository: { issues: { nodes: PinwardenIssue[] } } | null }>(
    FIND_ISSUES,
    target,
  );
  return repository?.issues.nodes ?? [];
}

/** Whether the installation can read the repository (404 and 403: it cannot; anything else is thrown). */
export async function canRead(
  github: GitHubClient,
  target: { readonly owner: string; readonly name: string },
): Promise<boolean> {
  try {
    await github.rest.repos.get({ owner: target.owner, repo: target.name });
    return true;
  } catch (error) {
    if (statusOf(error) !== 404 && statusOf(error) !== 403) throw error;
    return false;
  }
}
