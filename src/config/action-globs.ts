// Which actions a list of globs names: the config's `ignore.actions` and the CLI's `--ignore`.
// Apart from the config schema, so the CLI matches globs without loading zod.
import { matchGlob, writtenOutFirstSegment } from './glob.js';

export interface ActionName {
  readonly owner: string;
  readonly repo: string;
  readonly path: string | undefined;
}

/** Globs over `owner/repo[/path]` (case-insensitive); `owner/repo` alone matches its sub-path actions too. */
export function matchesActionGlobs(globs: readonly string[], action: ActionName): boolean {
  const owner = action.owner.toLowerCase();
  let repository: string | undefined;
  let name: string | undefined;
  return globs.some((glob) => {
    const pattern = glob.toLowerCase();
    // An owner written out that is not this one cannot match: said before any name is built
    // (every reference is asked this of the built-in list, in planning and again in the audit).
    const first = writtenOutFirstSegment(pattern);
    if (first !== undefined && first !== owner) return false;
    repository ??= `${owner}/${action.repo.toLowerCase()}`;
    name ??= `${repository}${action.path ? `/${action.path}` : ''}`;
    return matchGlob(pattern, name) || matchGlob(pattern, repository);
  });
}
