// GitHub's workflow lockfile as the runner sees it. A lockfile GitHub cannot read is ignored at
// run time, so the workflows it "locks" run unlocked; one that lists, for a workflow, a reference
// that workflow does not use (or misses one it does) no longer matches it — the runner matches the
// literal `owner/repo@ref` — and the lock no longer holds what runs. Both are high findings.
import { ACTIONS_LOCK_PATH, parseActionsLock } from '../workflow/actions-lock.js';
import { isRemoteRef } from '../workflow/parse-action-ref.js';
import type { LocateResult } from '../workflow/types.js';
import type { Finding } from './types.js';

export function checkActionsLock(
  lockfile: { readonly path: string; readonly text: string },
  workflows: readonly { readonly path: string; readonly located: LocateResult }[],
): Finding[] {
  const lock = parseActionsLock(lockfile.text);
  const at = { path: lockfile.path, uses: '', check: 'actions-lock' as const, severity: 'high' as const };
  if (!lock.ok)
    return [
      {
        ...at,
        line: 0,
        message: `GitHub cannot read this lockfile (${lock.error}), so it ignores it: the workflows it would lock run unlocked, on whatever their tags name. Regenerate it with \`gh actions-lock\`.`,
        evidence: { error: lock.error },
      },
    ];
  const byPath = new Map(workflows.map((file) => [file.path, file]));
  // The repository's root as the files' paths have it (the CLI may be given a parent folder).
  const root = lockfile.path.slice(0, lockfile.path.length - ACTIONS_LOCK_PATH.length);
  return [...lock.workflowRefs].flatMap(([path, listed]): Finding[] => {
    const file = byPath.get(`${root}${path}`);
    if (!file?.located.ok) return [];
    const used = new Set(
      file.located.references.flatMap((reference) => (isRemoteRef(reference.ref) ? [reference.site.value] : [])),
    );
    const remote = listed.filter((ref) => !ref.startsWith('$/') && !ref.startsWith('./'));
    const line = Math.max(1, lockfile.text.slice(0, Math.max(0, lockfile.text.indexOf(path))).split('\n').length);
    const stale = remote.filter((ref) => !used.has(ref));
    const unlisted = [...used].filter((ref) => !remote.includes(ref));
    if (stale.length === 0 && unlisted.length === 0) return [];
    const said = [
      ...(stale.length > 0
        ? [`it lists ${stale.map((ref) => `\`${ref}\``).join(', ')}, which ${path} does not use`]
        : []),
      ...(unlisted.length > 0
        ? [`${path} uses ${unlisted.map((ref) => `\`${ref}\``).join(', ')}, which it does not list`]
        : []),
    ];
    return [
      {
        ...at,
        line,
        uses: path,
        message: `the lockfile no longer matches ${path}: ${said.join('; ')}. The runner matches the literal references, so what runs is not what is locked (or the run fails to start); regenerate it with \`gh actions-lock\`.`,
        evidence: { workflow: path, stale, unlisted },
      },
    ];
  });
}
