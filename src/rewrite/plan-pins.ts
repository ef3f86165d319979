// Decides, for every located reference, whether it is rewritten to a commit SHA, kept, or
// skipped with a reason a reader can act on. No I/O: resolutions arrive as data.
import { formatRemoteRef, isRemoteRef } from '../workflow/parse-action-ref.js';
import { BUILT_IN_COMPROMISES as KNOWN_COMPROMISES } from '../audit/built-in.js';
import { inlineIgnoreMarker } from '../workflow/inline-ignore.js';
import { mustStayOnTag } from '../workflow/must-stay-on-tag.js';
import type { IgnoreRef } from '../gate/gate.js';
import type { RemoteRef, UsesReference, UsesSite } from '../workflow/types.js';
import { refKey, uniqueRequests } from '../resolve/types.js';
import type { RefKey, RefRequest, Resolution, ResolvedRef } from '../resolve/types.js';
import { mostSpecificVersionTag, twinOf } from '../resolve/version-tags.js';
import { decideComment, quoteValue } from './format-pin.js';
import type { CommentRepair, PinPlan, PlanEntry, PlannedPin, TextEdit } from './types.js';

/** Every distinct remote ref the references name; full SHAs too, to check they exist. */
export function collectRefRequests(references: readonly UsesReference[], ignore?: IgnoreRef): RefRequest[] {
  const requests = references.flatMap(({ site, ref }) => (isRemoteRef(ref) && !ignore?.(ref) && !inlineIgnoreMarker(site) ? [{ owner: ref.owner, repo: ref.repo, ref: ref.ref }] : []));
  return [...uniqueRequests(requests).values()];
}

/** Which remote refs the user asked to leave as they are (config); none by default. */
export type { IgnoreRef };

export function planPins(input: {
  readonly references: readonly UsesReference[];
  readonly resolutions: ReadonlyMap<RefKey, Resolution>;
  readonly ignore?: IgnoreRef;
  /** Globs of actions that must stay on a tag, besides the built-in list (config `must_stay_on_tag`). */
  readonly staysOnTag?: readonly string[];
}): PinPlan {
  return { entries: input.references.map((reference) => planOne(reference, input.resolutions, input.ignore, input.staysOnTag ?? [])) };
}

function planOne({ site, ref }: UsesReference, resolutions: ReadonlyMap<RefKey, Resolution>, ignore: IgnoreRef | undefined, staysOnTag: readonly string[]): PlanEntry {
  if (inlineIgnoreMarker(site) || (isRemoteRef(ref) && ignore?.(ref))) return { action: 'keep', site, ref, why: 'ignored' };
  // Pinning these by SHA would break the workflow: they stay on their tag (the gate says if it is not a full version).
  if (isRemoteRef(ref) && ref.refKind !== 'full-sha' && mustStayOnTag(ref, staysOnTag)) return { action: 'keep', site, ref, why: 'stays-on-tag' };
  switch (ref.kind) {
    case 'local':
      return { action: 'keep', site, ref, why: 'local' };
    case 'invalid':
      return { action: 'skip', site, ref, reason: `not a valid \`uses\` value: ${ref.reason}` };
    case 'docker':
      // Its digest is the image pass's to write (images/), with every other image of the file.
      return { action: 'keep', site, ref, why: ref.digest ? 'pinned' : 'image' };
    case 'action':
    case 'reusable-workflow': {
      const resolution = resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: ref.ref }));
      if (ref.refKind === 'full-sha') {
        if (resolution && resolution.status !== 'resolved') {
          return { action: 'skip', site, ref, reason: `pinned commit could not be confirmed in ${ref.owner}/${ref.repo}: ${resolution.reason}` };
        }
        const comment = resolution ? repairComment(site, resolution.tagsOnCommit) : undefined;
        return { action: 'keep', site, ref, why: 'pinned', ...(comment ? { comment } : {}) };
      }
      if (!resolution) return { action: 'skip', site, ref, reason: 'not resolved' };
      if (resolution.status === 'not-found') {
        const twin = resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: twinOf(ref.ref) }));
        if (twin?.status === 'resolved') return { action: 'skip', site, ref, reason: `${resolution.reason}; its twin ${twinOf(ref.ref)} exists (${twin.sha}): write @${twinOf(ref.ref)} if that is the release you meant` };
      }
      if (resolution.status !== 'resolved') return { action: 'skip', site, ref, reason: resolution.reason };
      // Never write a pin known to be bad: the tag names a compromised commit today.
      const bad = KNOWN_COMPROMISES.badCommit(`${ref.owner}/${ref.repo}`, resolution.sha);
      if (bad) return { action: 'skip', site, ref, reason: `refused: ${ref.ref} names ${resolution.sha}, a known-compromised commit (${bad.incident.title}; ${bad.incident.advisories.join(', ')})` };
      return { action: 'pin', pin: planPin(site, ref, resolution) };
    }
  }
}

function planPin(site: UsesSite, ref: RemoteRef, resolution: ResolvedRef): PlannedPin {
  if (site.quote === 'block') throw new Error(`planPin: block scalar at ${site.path} must be skipped earlier`);
  const after = formatRemoteRef(ref, resolution.sha);
  const valueEdit: TextEdit = { start: site.valueStart, end: site.valueEnd, text: quoteValue(after, site.quote) };
  const label = resolution.tag ?? (resolution.refType === 'commit' ? undefined : ref.ref);
  const { comment, edit: commentEdit, note } = planComment(site, label, resolution.tagsOnCommit);
  return {
    site,
    ref,
    before: site.value,
    after,
    sha: resolution.sha,
    tag: resolution.tag,
    refType: resolution.refType,
    comment,
    ambiguous: resolution.ambiguous,
    ...(note ? { note } : {}),
    edits: commentEdit ? [valueEdit, commentEdit] : [valueEdit],
  };
}

function planComment(
  site: UsesSite,
  label: string | undefined,
  tagsOnCommit: readonly string[],
): { comment: string | undefined; edit?: TextEdit; note?: string } {
  const existing = site.comment?.text;
  if (label === undefined) return { comment: existing };
  if (!site.commentSafe) {
    return { comment: existing, note: `no \`# ${label}\` comment written: another value shares this line or continues past it` };
  }
  const decision = decideComment({ existing, label, tagsOnCommit });
  if (decision.kind === 'keep') return { comment: existing };
  // A new comment goes after the line's last non-blank character, so a flow mapping stays closed.
  const edit = site.comment
    ? { start: site.comment.start, end: site.lineEnd, text: decision.text }
    : { start: site.contentEnd, end: site.contentEnd, text: ` ${decision.text}` };
  return { comment: decision.text, edit };
}

/**
 * `@<sha> # v4` where `v4` has moved on and the commit is `v4.1.0`, or a comment naming a tag
 * that is not on the commit at all: the version word becomes the commit's most specific tag (the
 * form Dependabot updates), the author's words after it kept. Only where a comment names a
 * version, the commit has a version tag, and a comment may be written on the line.
 */
function repairComment(site: UsesSite, tagsOnCommit: readonly string[]): CommentRepair | undefined {
  const existing = site.comment?.text;
  const word = existing?.replace(/^#+/, '').trim().split(/\s+/)[0] ?? '';
  if (!existing || !site.commentSafe || !/^v?\d+(\.\d+)*$/.test(word)) return undefined;
  const label = mostSpecificVersionTag(word, tagsOnCommit) ?? mostSpecificVersionTag(tagsOnCommit.find((tag) => /^v?\d/.test(tag)) ?? '', tagsOnCommit);
  if (!label) return undefined;
  const decision = decideComment({ existing, label, tagsOnCommit });
  if (decision.kind === 'keep') return undefined;
  return { before: existing, after: decision.text, edit: { start: site.comment!.start, end: site.lineEnd, text: decision.text } };
}
