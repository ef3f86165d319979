// Carries out an attention decision: one issue per repository, labelled so the repository read
// finds it again (the label is created the first time; GitHub answers 422 when it exists).
import { ATTENTION_LABEL } from '../attention/attention-issue.js';
import type { AttentionDecision } from '../attention/attention-issue.js';
import type { GitHubClient } from './github-client.js';

export async function writeAttention(
  github: GitHubClient,
  repository: { owner: string; name: string },
  decision: AttentionDecision,
): Promise<number | undefined> {
  const repo = { owner: repository.owner, repo: repository.name };
  switch (decision.kind) {
    case 'none':
      return undefined;
    case 'create': {
      await github.rest.issues
        .createLabel({
          ...repo,
          name: ATTENTION_LABEL,
          color: 'b60205',
          description: 'pinwarden could not do something here; see the issue',
        })
        .catch((error: { status?: number }) => {
          if (error.status !== 422) throw error;
        });
      const { data } = await github.rest.issues.create({
        ...repo,
        title: decision.title,
        body: decision.body,
        labels: [ATTENTION_LABEL],
      });
      return data.number;
    }
    case 'update':
      await github.rest.issues.update({ ...repo, issue_number: decision.number, body: decision.body });
      return decision.number;
    case 'close':
      await github.rest.issues.update({
        ...repo,
        issue_number: decision.number,
        body: decision.body,
        state: 'closed',
        state_reason: 'completed',
      });
      return decision.number;
  }
}
