// A run that finds its repository calling a workflow of the organisation that GitHub's SHA policy
// would refuse asks for a pinning run there. Asked at most once an hour per repository: two
// repositories that call each other's workflows must not keep asking for each other's runs.
import { FirstInWindow } from '../common/first-in-window.js';
import type { RunRequest } from '../queue/pending-run.js';

const ASK_AGAIN_MS = 60 * 60_000;

export function createPinAlso(submit: (request: Omit<RunRequest, 'priority'>) => Promise<void>) {
  const asked = new FirstInWindow({ windowMs: ASK_AGAIN_MS });
  return (installationId: number) =>
    async (repository: { readonly owner: string; readonly name: string }): Promise<void> => {
      if (!asked.first(`${installationId}/${repository.owner}/${repository.name}`.toLowerCase())) return;
      await submit({ installationId, owner: repository.owner, name: repository.name, trigger: 'push' });
    };
}
