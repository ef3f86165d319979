// Which actions a list of globs names: the config's `ignore.actions` and the CLI's `--ignore`.
// Apart from the config schema, so the CLI matches globs without loading zod.
import { matchGlob } from './glob.js';

export interface ActionName {
  readonly owner: string;
  readonly repo: string;
  readonly path: string | undefined;
}

/** Globs over `owner/repo[/path]` (case-insensitive); `owner/repo` alone matches its sub-path actions too. */
export function matchesActionGlobs(globs: readonly string[], action: ActionName): boolean {
  const repository = `${action.owner.toLowerCase()}/${action.repo.toLowerCase()}`;
  const name = `${repository}${action.path ? `/${action.path}` : ''}`;
  return globs.some((glob) => {
    const pattern = glob.toLowerCase();
    return matchGlob(pattern, name) || matchGlob(pattern, repository);
  });
}
