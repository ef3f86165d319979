// The pull-request check's reads and writes at GitHub: the pull request's files (one request for
// up to 100), the check run with its annotations (50 per request; more go in updates), what is said
// on it afterwards, and the head of the pull request's branch.
import { ANNOTATIONS_PER_REQUEST, CHECK_NAME, PIN_ACTION } from '../check/render-check.js';
import type { renderCheck } from '../check/render-check.js';
import type { GitHubClient } from './github-client.js';
import { statusOf } from './github-client.js';

export interface PullRequestTarget {
  readonly owner: string;
  readonly name: string;
  readonly pullNumber: number;
  readonly headSha: string;
}

export async function pullRequestFiles(
  github: GitHubClient,
  target: Pick<PullRequestTarget, 'owner' | 'name' | 'pullNumber'>,
) {
  return github.paginate(github.rest.pulls.listFiles, {
    owner: target.owner,
    repo: target.name,
    pull_number: target.pullNumber,
    per_page: 100,
  });
}

export async function writeCheckRun(
  github: GitHubClient,
  target: PullRequestTarget,
  conclusion: string,
  text: ReturnType<typeof renderCheck>,
  offerFix: boolean,
  blamed: number,
) {
  const repo = { owner: target.owner, repo: target.name };
  const output = (annotations: typeof text.annotations) => ({
    title: text.title,
    summary: text.summary,
    ...(text.text ? { text: text.text } : {}),
    annotations: [...annotations],
  });
  const { data } = await github.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: target.headSha,
    status: 'completed',
    conclusion: conclusion as 'success',
    output: output(text.annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
    ...(offerFix ? { actions: [{ ...PIN_ACTION }] } : {}),
  });
  for (let start = ANNOTATIONS_PER_REQUEST; start < text.annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    await github.rest.checks.update({
      ...repo,
      check_run_id: data.id,
      output: output(text.annotations.slice(start, start + ANNOTATIONS_PER_REQUEST)),
    });
  }
  return { conclusion, checkRunId: data.id, blamed };
}

/** Said on a check run after it ran ("Pin them" pressed); `done` takes the button away. */
export async function sayOnCheckRun(
  github: GitHubClient,
  target: { readonly owner: string; readonly name: string; readonly checkRunId: number },
  output: { readonly title: string; readonly summary: string },
  done = false,
): Promise<void> {
  await github.rest.checks.update({
    owner: target.owner,
    repo: target.name,
    check_run_id: target.checkRunId,
    output: { ...output },
    ...(done ? { actions: [] } : {}),
  });
}

export /** The commit a branch of the repository names now; undefined when there is no such branch. */
async function branchHead(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  branch: string,
): Promise<string | undefined> {
  try {
    const { data } = await github.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
