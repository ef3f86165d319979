// A push to the default branch that changed something pinwarden reads queues the repository's
// run; a change of the org-wide config (in the `.github` repository) is read afresh.
import type { Context } from 'probot';
import { DEPENDABOT_PATHS } from '../dependabot/plan-dependabot.js';
import { CONFIG_PATH } from '../github/load-config.js';
import { imagePathsAmong } from '../images/image-file-kind.js';
import { fileKindOf } from '../workflow/file-kind.js';
import { eventLog } from './services.js';
import type { HandlerServices } from './services.js';

type PushedCommit = { added?: string[]; modified?: string[]; removed?: string[] };

export const onPush = (services: HandlerServices) => async (context: Context<'push'>) => {
  const { payload } = context;
  const log = eventLog(context, 'push', payload.repository.full_name);
  if (!payload.installation || !payload.repository.owner) return;
  if (payload.deleted || payload.ref !== `refs/heads/${payload.repository.default_branch}`)
    return log.debug('ignored: not a push to the default branch');
  if (payload.repository.name === '.github' && payload.commits.some((commit) => pathsOf(commit).includes(CONFIG_PATH)))
    services.forgetConfig(payload.repository.owner.login);
  if (!pushTouchesWatchedFiles(payload.commits, { images: services.imagesOn }))
    return log.debug('ignored: the push changed no workflow, action, image or pinwarden file');
  await services.submit({
    installationId: payload.installation.id,
    owner: payload.repository.owner.login,
    name: payload.repository.name,
    trigger: 'push',
  });
};

/**
 * Whether a push changed something pinwarden reads (with `images`, any file that may name an
 * image: Dockerfiles, compose files, any YAML). Without a commit list (over 2,048), assume so.
 */
export function pushTouchesWatchedFiles(
  commits: readonly PushedCommit[],
  options: { readonly images?: boolean } = {},
): boolean {
  if (commits.length === 0 || commits.length >= 2048) return true;
  return commits.some((commit) =>
    pathsOf(commit).some(
      (path) =>
        fileKindOf(path) !== undefined ||
        path === CONFIG_PATH ||
        (DEPENDABOT_PATHS as readonly string[]).includes(path) ||
        (options.images === true && imagePathsAmong([path]).length > 0),
    ),
  );
}

function pathsOf(commit: PushedCommit): string[] {
  return [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])];
}
