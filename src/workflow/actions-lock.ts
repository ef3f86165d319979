// GitHub's workflow lockfile, `.github/workflows/actions.lock` (public preview, Enterprise Cloud):
// written by `gh actions-lock`, never by hand. Its `workflows:` lists the literal `owner/repo@ref`
// each onboarded workflow names, `dependencies:` the commit each resolves to. The runner matches
// `uses:` against those keys: rewriting the `uses:` of an onboarded workflow breaks its runs, so
// pinwarden leaves those workflows alone and audits the locked commits instead.
import { parse } from 'yaml';
import { isFullSha } from '../common/commit-sha.js';
import { classifyRefName } from './parse-action-ref.js';
import type { UsesReference } from './types.js';

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
  | {
      readonly ok: true;
      readonly workflows: ReadonlySet<string>;
      /** Each onboarded workflow's references, as the lockfile lists them (`owner/repo@ref` as written). */
      readonly workflowRefs: ReadonlyMap<string, readonly string[]>;
      readonly dependencies: readonly LockedDependency[];
    }
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
  const listedByWorkflow = typeof workflows === 'object' && workflows !== null ? Object.entries(workflows) : [];
  const onboarded = new Set(listedByWorkflow.map(([path]) => path));
  const workflowRefs = new Map(
    listedByWorkflow.map(([path, refs]) => [
      path,
      Array.isArray(refs) ? refs.filter((ref): ref is string => typeof ref === 'string') : [],
    ]),
  );
  const locked = Object.entries(
    typeof dependencies === 'object' && dependencies !== null ? (dependencies as Record<string, unknown>) : {},
  ).flatMap(([key, value]): LockedDependency[] => {
    const entry = (value ?? {}) as { ref?: unknown; commit?: unknown };
    const commit = typeof entry.commit === 'string' ? entry.commit.replace(/^sha1-/, '') : '';
    const at = key.lastIndexOf('@');
    const [owner = '', repo = ''] = key.slice(0, at).split('/');
    if (at < 0 || !isFullSha(commit) || owner === '' || repo === '' || owner === '$') return [];
    return [
      { key, owner, repo, ref: key.slice(at + 1), tag: typeof entry.ref === 'string' ? entry.ref : undefined, commit },
    ];
  });
  return { ok: true, workflows: onboarded, workflowRefs, dependencies: locked };
}

/**
 * Each locked dependency as a reference pinned to its recorded commit, at the line of its key,
 * with the tag it was locked at as its comment: what the audit's checks read (known-compromised
 * commits, impostors, a tag that now names another commit). Never written back.
 */
export function lockedReferences(text: string, lock: Extract<ActionsLock, { ok: true }>): UsesReference[] {
  return lock.dependencies.map((dependency) => {
    const at = Math.max(0, text.indexOf(`${dependency.key}:`));
    const line = text.slice(0, at).split('\n').length;
    const [owner, repo, ...rest] = dependency.key.slice(0, dependency.key.lastIndexOf('@')).split('/');
    const value = `${owner}/${repo}${rest.length > 0 ? `/${rest.join('/')}` : ''}@${dependency.commit}`;
    return {
      site: {
        value,
        context: 'step',
        path: `dependencies.${dependency.key}`,
        line,
        column: 1,
        valueStart: at,
        valueEnd: at,
        nodeStart: at,
        quote: 'plain',
        lineEnd: at,
        contentEnd: at,
        ...(dependency.tag ? { comment: { start: at, text: `# ${dependency.tag}` } } : {}),
        inFlow: false,
        commentSafe: false,
        reachedThroughAlias: false,
      },
      ref: {
        kind: 'action',
        owner: owner!,
        repo: repo!,
        path: rest.length > 0 ? rest.join('/') : undefined,
        ref: dependency.commit,
        refKind: classifyRefName(dependency.commit),
      },
    };
  });
}
