// GitHub's workflow lockfile, `.github/workflows/actions.lock` (public preview, Enterprise Cloud):
// written by `gh actions-lock`, never by hand. Its `workflows:` lists the literal `owner/repo@ref`
// each onboarded workflow names, `dependencies:` the commit each resolves to. The runner matches
// `uses:` against those keys: rewriting the `uses:` of an onboarded workflow breaks its runs, so
// pinwarden leaves those workflows alone and audits the locked commits instead.
import { parse } from 'yaml';
import { isFullSha } from '../common/commit-sha.js';

export const ACTIONS_LOCK_PATH = '.github/workflows/actions.lock';

export interface LockedDependency {
  /** The key, `owner/repo[/path]@ref` as the workflows write it. */
  readonly key: string;
  readonly owner: string;
  readonly repo: string;
  readonly ref: string;
  readonly tag: string | undefined;
  readonly commit: string;
}

export type ActionsLock =
  | { readonly ok: true; readonly workflows: ReadonlySet<string>; readonly dependencies: readonly LockedDependency[] }
  | { readonly ok: false; readonly error: string };

export function parseActionsLock(text: string): ActionsLock {
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 0 });
  } catch (error) {
    return { ok: false, error: `the lockfile does not parse: ${(error as Error).message.split('\n')[0]}` };
  }
  if (typeof data !== 'object' || data === null) return { ok: false, error: 'the lockfile is not a mapping' };
  const { workflows, dependencies } = data as { workflows?: unknown; dependencies?: unknown };
  const onboarded = new Set(typeof workflows === 'object' && workflows !== null ? Object.keys(workflows) : []);
  const locked = Object.entries(typeof dependencies === 'object' && dependencies !== null ? (dependencies as Record<string, unknown>) : {}).flatMap(([key, value]): LockedDependency[] => {
    const entry = (value ?? {}) as { ref?: unknown; commit?: unknown };
    const commit = typeof entry.commit === 'string' ? entry.commit.replace(/^sha1-/, '') : '';
    const at = key.lastIndexOf('@');
    const [owner = '', repo = ''] = key.slice(0, at).split('/');
    if (at < 0 || !isFullSha(commit) || owner === '' || repo === '' || owner === '$') return [];
    return [{ key, owner, repo, ref: key.slice(at + 1), tag: typeof entry.ref === 'string' ? entry.ref : undefined, commit }];
  });
  return { ok: true, workflows: onboarded, dependencies: locked };
}
