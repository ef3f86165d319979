// The gate: one rule, shared by `pinwarden scan`/`pin` exit codes, the App's report and the
// pull-request check. A reference passes when nothing it names can change under the workflow:
//   - a local action or reusable workflow (`./…`, `$/…`): it is the repository's own code;
//   - a remote action or reusable workflow pinned to a full 40-hex commit SHA;
//   - a `docker://` image pinned by `@sha256:` digest;
//   - an action that refuses to run from a SHA (slsa-github-generator), on a full vX.Y.Z tag;
//   - a reference of a workflow onboarded to GitHub's actions.lock (the runner runs the locked commit);
//   - a reference the user chose to leave as it is (`# pinwarden:ignore`, `# ratchet:exclude`,
//     config `ignore.actions` / `allow_unpinned_owners`, CLI `--ignore`).
// Everything else fails: a tag, a branch, a short SHA, an image tag, a value GitHub would not run
// or pinwarden cannot evaluate. A file that cannot be read fails as a whole.
import { inlineIgnoreMarker } from '../workflow/inline-ignore.js';
import { isFullVersionTag, mustStayOnTag } from '../workflow/must-stay-on-tag.js';
import { isRemoteRef } from '../workflow/parse-action-ref.js';
import type { ActionRef, IgnoreRef, UsesReference } from '../workflow/types.js';
import { imageIgnored } from '../images/image-ignore.js';
import type { LocatedImage } from '../images/types.js';

export type GateVerdict =
  | { readonly passes: true; readonly why: 'pinned' | 'local' | 'ignored' | 'stays-on-tag' | 'locked' | 'not-image' }
  | { readonly passes: false; readonly rule: GateRule; readonly reason: string };

/** Which part of the rule a reference fails. */
export type GateRule = 'mutable-ref' | 'short-sha' | 'image-tag' | 'invalid' | 'must-stay-on-tag';

export function gateReference(
  reference: Pick<UsesReference, 'site' | 'ref'>,
  ignore?: IgnoreRef,
  staysOnTagGlobs: readonly string[] = [],
): GateVerdict {
  if (inlineIgnoreMarker(reference.site)) return { passes: true, why: 'ignored' };
  return gateRef(reference.ref, ignore, staysOnTagGlobs);
}

export function gateRef(ref: ActionRef, ignore?: IgnoreRef, staysOnTagGlobs: readonly string[] = []): GateVerdict {
  if (isRemoteRef(ref) && ignore?.(ref)) return { passes: true, why: 'ignored' };
  // Some refuse to run from a SHA: for them a full version tag is the pin, and a SHA breaks the run.
  const staysOnTag = isRemoteRef(ref) ? mustStayOnTag(ref, staysOnTagGlobs) : undefined;
  if (staysOnTag && isRemoteRef(ref)) {
    if (isFullVersionTag(ref.ref)) return { passes: true, why: 'stays-on-tag' };
    return {
      passes: false,
      rule: 'must-stay-on-tag',
      reason:
        ref.refKind === 'full-sha'
          ? `pinned by SHA, this breaks the run: ${staysOnTag.why}; use its vX.Y.Z tag`
          : `must stay on a full version tag (vX.Y.Z): ${staysOnTag.why}`,
    };
  }
  switch (ref.kind) {
    case 'local':
      return { passes: true, why: 'local' };
    case 'docker':
      return ref.digest
        ? { passes: true, why: 'pinned' }
        : { passes: false, rule: 'image-tag', reason: 'a Docker image tag can move; pin it by digest (`@sha256:…`)' };
    case 'invalid':
      return { passes: false, rule: 'invalid', reason: ref.reason };
    case 'action':
    case 'reusable-workflow':
      if (ref.refKind === 'full-sha') return { passes: true, why: 'pinned' };
      if (ref.refKind === 'short-sha')
        return {
          passes: false,
          rule: 'short-sha',
          reason: 'a short SHA is not a commit pin; use the full 40-character SHA',
        };
      return { passes: false, rule: 'mutable-ref', reason: `\`@${ref.ref}\` is a tag or branch, which can be moved` };
  }
}

/**
 * An image passes when pinned by digest, when it is not an image to pull (`FROM scratch`, a build
 * stage, a build argument), or when left alone on its line; a tag, no tag, or a value pinwarden
 * cannot read fails. (`docker://` steps are judged as `uses:` references, above.)
 */
export function gateImage(located: LocatedImage): GateVerdict {
  if (located.status === 'not-image') return { passes: true, why: 'not-image' };
  if (imageIgnored(located.site)) return { passes: true, why: 'ignored' };
  if (located.status === 'unreadable') return { passes: false, rule: 'invalid', reason: located.why };
  return located.image.digest
    ? { passes: true, why: 'pinned' }
    : { passes: false, rule: 'image-tag', reason: 'an image tag can be re-pointed; pin it by digest (`@sha256:…`)' };
}
