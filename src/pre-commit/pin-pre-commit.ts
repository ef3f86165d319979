// pre-commit's `rev:` is a tag or a branch as mutable as an action's: each hook from GitHub is
// pinned to the commit its rev names, in pre-commit's own frozen form, as `pre-commit autoupdate
// --freeze` writes it (`rev: <sha>  # frozen: v4.5.0`), which Dependabot's pre-commit ecosystem
// keeps current (it updates the rev and the `# frozen:` comment together). Every other byte is
// kept; the rewrite is parsed back and must hold exactly the planned revs.
import { isFullSha } from '../common/commit-sha.js';
import { refKey } from '../resolve/types.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from '../resolve/types.js';
import { quoteValue } from '../rewrite/format-pin.js';
import { applyEdits } from '../rewrite/apply-edits.js';
import type { TextEdit } from '../rewrite/types.js';
import { verifyRewrite } from '../rewrite/verify-rewrite.js';
import { locatePreCommit } from './locate-pre-commit.js';
import type { PreCommitHook } from './locate-pre-commit.js';

export type PreCommitEntry =
  | { readonly action: 'pin'; readonly hook: PreCommitHook; readonly sha: string; readonly after: string }
  | { readonly action: 'keep'; readonly hook: PreCommitHook }
  | { readonly action: 'skip'; readonly hook: PreCommitHook; readonly reason: string };

export type PinnedPreCommit =
  | { readonly status: 'rewritten'; readonly text: string; readonly entries: readonly PreCommitEntry[] }
  | { readonly status: 'unchanged'; readonly entries: readonly PreCommitEntry[] }
  | { readonly status: 'unreadable'; readonly error: string }
  | { readonly status: 'rejected'; readonly problem: string; readonly entries: readonly PreCommitEntry[] };

/** Reads the config once, resolves the revs its GitHub hooks name, and freezes each one it can. */
export async function freezePreCommit(text: string, resolver: RefResolver): Promise<PinnedPreCommit> {
  const located = locatePreCommit(text);
  if (!located.ok) return { status: 'unreadable', error: located.error };
  const requests = located.hooks.flatMap((hook): RefRequest[] =>
    isFullSha(hook.rev.value) ? [] : [{ owner: hook.owner, repo: hook.repo, ref: hook.rev.value }],
  );
  const resolutions = requests.length > 0 ? await resolver.resolve(requests) : new Map<RefKey, Resolution>();
  const entries = located.hooks.map((hook): PreCommitEntry => planOne(hook, resolutions));
  const pins = entries.flatMap((entry) => (entry.action === 'pin' ? [entry] : []));
  if (pins.length === 0) return { status: 'unchanged', entries };
  const updated = applyEdits(text, pins.flatMap(editsOf));
  const verified = verifyRewrite({
    original: text,
    updated,
    expected: new Map(pins.map((pin) => [pin.hook.rev.nodeStart, pin.sha])),
  });
  return verified.ok
    ? { status: 'rewritten', text: updated, entries }
    : { status: 'rejected', problem: verified.problem, entries };
}

function planOne(hook: PreCommitHook, resolutions: ReadonlyMap<RefKey, Resolution>): PreCommitEntry {
  const { rev } = hook;
  if (isFullSha(rev.value)) return { action: 'keep', hook };
  const resolution = resolutions.get(refKey({ owner: hook.owner, repo: hook.repo, ref: rev.value }));
  if (resolution?.status !== 'resolved')
    return {
      action: 'skip',
      hook,
      reason: resolution ? `${rev.value} could not be resolved (${resolution.status})` : 'not resolved',
    };
  if (rev.quote === 'block') return { action: 'skip', hook, reason: 'its rev is a block scalar' };
  // The frozen comment goes where the line ends: a line that has a comment already keeps it, unpinned.
  if (rev.comment || !rev.commentSafe)
    return {
      action: 'skip',
      hook,
      reason: `its line cannot take the \`# frozen: ${rev.value}\` comment; its commit is \`${resolution.sha}\``,
    };
  return { action: 'pin', hook, sha: resolution.sha, after: `${resolution.sha}  # frozen: ${rev.value}` };
}

function editsOf(pin: Extract<PreCommitEntry, { action: 'pin' }>): TextEdit[] {
  const { rev } = pin.hook;
  return [
    {
      start: rev.valueStart,
      end: rev.valueEnd,
      text: quoteValue(pin.sha, rev.quote as Exclude<typeof rev.quote, 'block'>),
    },
    { start: rev.contentEnd, end: rev.contentEnd, text: `  # frozen: ${rev.value}` },
  ];
}
