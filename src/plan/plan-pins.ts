// Decides, for every located reference, whether it is rewritten to a commit SHA, kept, or
// skipped with a reason a reader can act on. No I/O: resolutions arrive as data.
import { formatRemoteRef, isRemoteRef } from '../workflow/parse-action-ref.js';
import { toCommitSha } from '../common/commit-sha.js';
import { BUILT_IN_COMPROMISES as KNOWN_COMPROMISES } from '../audit/built-in.js';
import { inlineIgnoreMarker } from '../workflow/inline-ignore.js';
import { mustStayOnTag } from '../workflow/must-stay-on-tag.js';
import type { IgnoreRef } from '../workflow/types.js';
import type { RemoteRef, UsesReference, UsesSite } from '../workflow/types.js';
import { refKey, uniqueRequests } from '../resolve/types.js';
import type { RefKey, RefRequest, Resolution, ResolvedRef } from '../resolve/types.js';
import { mostSpecificVersionTag, twinOf } from '../resolve/version-tags.js';
import { decideComment, quoteValue } from '../rewrite/format-pin.js';
import type { CommentRepair, PinPlan, PlanEntry, PlannedPin, TextEdit } from '../rewrite/types.js';
import type { Judgements, PinCandidate, TrustJudgement } from '../trust/judge-pin.js';

/** Every distinct remote ref the references name; full SHAs too, to check they exist. */
export function collectRefRequests(references: readonly UsesReference[], ignore?: IgnoreRef): RefRequest[] {
  const requests = references.flatMap(({ site, ref }) =>
    isRemoteRef(ref) && !ignore?.(ref) && !inlineIgnoreMarker(site)
      ? [{ owner: ref.owner, repo: ref.repo, ref: ref.ref }]
      : [],
  );
  return [...uniqueRequests(requests).values()];
}

/** Which remote refs the user asked to leave as they are (config); none by default. */

export function planPins(input: {
  readonly references: readonly UsesReference[];
  readonly resolutions: ReadonlyMap<RefKey, Resolution>;
  readonly ignore?: IgnoreRef;
  /** Globs of actions that must stay on a tag, besides the built-in list (config `must_stay_on_tag`). */
  readonly staysOnTag?: readonly string[];
  readonly judgements?: Judgements;
}): PinPlan {
  return {
    entries: input.references.map((reference) =>
      planOne(reference, input.resolutions, input.ignore, input.staysOnTag ?? [], input.judgements ?? new Map()),
    ),
  };
}

/**
 * What pin-time trust must judge before these references are planned: every tag or branch the
 * plan would write as a commit, and every SHA pin whose comment it would repair (a comment must
 * not name a release on a commit that is held). Keyed as `planPins` reads the judgements.
 */
export function trustCandidates(input: {
  readonly references: readonly UsesReference[];
  readonly resolutions: ReadonlyMap<RefKey, Resolution>;
  readonly ignore?: IgnoreRef;
  readonly staysOnTag?: readonly string[];
}): { key: RefKey; candidate: PinCandidate }[] {
  const found = new Map<RefKey, PinCandidate>();
  for (const reference of input.references) {
    const entry = planOne(reference, input.resolutions, input.ignore, input.staysOnTag ?? [], new Map());
    const { ref } = reference;
    if (!isRemoteRef(ref)) continue;
    const key = refKey({ owner: ref.owner, repo: ref.repo, ref: ref.ref });
    const resolution = input.resolutions.get(key);
    if (resolution?.status !== 'resolved' || found.has(key)) continue;
    const repository = `${ref.owner}/${ref.repo}`;
    if (entry.action === 'pin')
      found.set(key, {
        repository,
        path: ref.path,
        requested: ref.ref,
        refType: resolution.refType,
        sha: resolution.sha,
        label: resolution.tag,
        tagsOnCommit: resolution.tagsOnCommit,
      });
    else if (entry.action === 'keep' && entry.comment) {
      const label = entry.comment.tag;
      found.set(key, {
        repository,
        path: ref.path,
        requested: label,
        refType: 'tag',
        sha: resolution.sha,
        label,
        tagsOnCommit: resolution.tagsOnCommit,
      });
    }
  }
  return [...found].map(([key, candidate]) => ({ key, candidate }));
}

function heldReason(ref: string, judgement: TrustJudgement): string {
  return `held back: pinning @${ref} now could write a commit that must not run. ${judgement.verdicts
    .filter((verdict) => verdict.held)
    .map((verdict) => verdict.message)
    .join(' ')}`;
}

function planOne(
  { site, ref }: UsesReference,
  resolutions: ReadonlyMap<RefKey, Resolution>,
  ignore: IgnoreRef | undefined,
  staysOnTag: readonly string[],
  judgements: Judgements,
): PlanEntry {
  if (inlineIgnoreMarker(site) || (isRemoteRef(ref) && ignore?.(ref)))
    return { action: 'keep', site, ref, why: 'ignored' };
  // Pinning these by SHA would break the workflow: they stay on their tag (the gate says if it is not a full version).
  if (isRemoteRef(ref) && ref.refKind !== 'full-sha' && mustStayOnTag(ref, staysOnTag))
    return { action: 'keep', site, ref, why: 'stays-on-tag' };
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
      const key = refKey({ owner: ref.owner, repo: ref.repo, ref: ref.ref });
      const resolution = resolutions.get(key);
      if (ref.refKind === 'full-sha') {
        if (resolution && resolution.status !== 'resolved') {
          return {
            action: 'skip',
            site,
            ref,
            reason: `pinned commit could not be confirmed in ${ref.owner}/${ref.repo}: ${resolution.reason}`,
          };
        }
        // A comment is not made to name a release whose commit trust holds (a hijacked tag's).
        const held = judgements.get(key)?.held === true;
        const comment = resolution && !held ? repairComment(site, resolution.tagsOnCommit) : undefined;
        return { action: 'keep', site, ref, why: 'pinned', ...(comment ? { comment } : {}) };
      }
      if (!resolution) return { action: 'skip', site, ref, reason: 'not resolved' };
      if (resolution.status === 'not-found') {
        const twin = resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: twinOf(ref.ref) }));
        if (twin?.status === 'resolved')
          return {
            action: 'skip',
            site,
            ref,
            reason: `${resolution.reason}; its twin ${twinOf(ref.ref)} exists (${twin.sha}): write @${twinOf(ref.ref)} if that is the release you meant`,
          };
      }
      if (resolution.status !== 'resolved') return { action: 'skip', site, ref, reason: resolution.reason };
      // Never write a pin known to be bad: the tag names a compromised commit today.
      const bad = KNOWN_COMPROMISES.badCommit(`${ref.owner}/${ref.repo}`, resolution.sha);
      if (bad)
        return {
          action: 'skip',
          site,
          ref,
          reason: `refused: ${ref.ref} names ${resolution.sha}, a known-compromised commit (${bad.incident.title}; ${bad.incident.advisories.join(', ')})`,
        };
      const judgement = judgements.get(key);
      if (judgement?.held)
        return {
          action: 'skip',
          site,
          ref,
          reason: heldReason(ref.ref, judgement),
          held: judgement.verdicts.filter((verdict) => verdict.held),
        };
      if (!judgement) return { action: 'pin', pin: planPin(site, ref, resolution) };
      const instead = judgement.pinInstead;
      const pinned = instead
        ? {
            ...resolution,
            sha: toCommitSha(instead.sha) ?? resolution.sha,
            tag: instead.tag,
            tagsOnCommit: [instead.tag],
          }
        : resolution;
      const pin = planPin(site, ref, pinned);
      return {
        action: 'pin',
        pin: {
          ...pin,
          ...(judgement.verdicts.length > 0 ? { trust: judgement.verdicts } : {}),
          ...(judgement.immutable === undefined ? {} : { immutable: judgement.immutable }),
          ...(instead ? { insteadOf: resolution.tag ?? ref.ref } : {}),
        },
      };
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
    return {
      comment: existing,
      note: `no \`# ${label}\` comment written: another value shares this line or continues past it`,
    };
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
  const label =
    mostSpecificVersionTag(word, tagsOnCommit) ??
    mostSpecificVersionTag(tagsOnCommit.find((tag) => /^v?\d/.test(tag)) ?? '', tagsOnCommit);
  if (!label) return undefined;
  const decision = decideComment({ existing, label, tagsOnCommit });
  if (decision.kind === 'keep') return undefined;
  return {
    before: existing,
    after: decision.text,
    tag: label,
    edit: { start: site.comment!.start, end: site.lineEnd, text: decision.text },
  };
}
