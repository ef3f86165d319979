// The gate: one rule, shared by `pinwarden scan`/`pin` exit codes, the App's report and the
// pull-request check. A reference passes when nothing it names can change under the workflow:
//   - a local action or reusable workflow (`./…`, `$/…`): it is the repository's own code;
//   - a remote action or reusable workflow pinned to a full 40-hex commit SHA;
//   - a `docker://` image pinned by `@sha256:` digest;
//   - a reference the user chose to leave as it is (`# pinwarden:ignore`, `# ratchet:exclude`,
//     config `ignore.actions` / `allow_unpinned_owners`, CLI `--ignore`).
// Everything else fails: a tag, a branch, a short SHA, an image tag, a value GitHub would not run
// or pinwarden cannot evaluate. A file that cannot be read fails as a whole.
import { inlineIgnoreMarker } from '../workflow/inline-ignore.js';
import { isRemoteRef } from '../workflow/parse-action-ref.js';
import type { ActionRef, RemoteRef, UsesReference } from '../workflow/types.js';

export type GateVerdict =
  | { readonly passes: true; readonly why: 'pinned' | 'local' | 'ignored' }
  | { readonly passes: false; readonly reason: string };

/** Which remote references the user asked to leave as they are. */
export type IgnoreRef = (ref: RemoteRef) => boolean;

export function gateReference(reference: Pick<UsesReference, 'site' | 'ref'>, ignore?: IgnoreRef): GateVerdict {
  if (inlineIgnoreMarker(reference.site)) return { passes: true, why: 'ignored' };
  return gateRef(reference.ref, ignore);
}

export function gateRef(ref: ActionRef, ignore?: IgnoreRef): GateVerdict {
  if (isRemoteRef(ref) && ignore?.(ref)) return { passes: true, why: 'ignored' };
  switch (ref.kind) {
    case 'local':
      return { passes: true, why: 'local' };
    case 'docker':
      return ref.digest ? { passes: true, why: 'pinned' } : { passes: false, reason: 'a Docker image tag can move; pin it by digest (`@sha256:…`)' };
    case 'invalid':
      return { passes: false, reason: ref.reason };
    case 'action':
    case 'reusable-workflow':
      if (ref.refKind === 'full-sha') return { passes: true, why: 'pinned' };
      if (ref.refKind === 'short-sha') return { passes: false, reason: 'a short SHA is not a commit pin; use the full 40-character SHA' };
      return { passes: false, reason: `\`@${ref.ref}\` is a tag or branch, which can be moved` };
  }
}
