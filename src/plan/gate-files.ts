// The gate over whole files: before pinning (`scan`) and after it (`pin`, the App's report).
import type { PinnedImageFile } from '../images/pin-images.js';
import type { PinnedFile } from './pin-files.js';
import type { LocateResult } from '../workflow/types.js';
import { gateImage, gateReference } from '../gate/gate.js';
import type { IgnoreRef } from '../workflow/types.js';

export interface GateFailure {
  readonly path: string;
  /** Absent when the whole file fails (it cannot be read). */
  readonly line?: number;
  readonly uses?: string;
  readonly reason: string;
}

/** What fails the gate in files as they are. */
export function gateFailuresOf(
  file: { readonly path: string; readonly located: LocateResult; readonly locked?: boolean },
  ignore?: IgnoreRef,
): GateFailure[] {
  if (!file.located.ok) return [{ path: file.path, reason: `the file cannot be read: ${file.located.error}` }];
  // The lockfile pins what an onboarded workflow runs, whatever its `uses:` say.
  if (file.locked) return [];
  return file.located.references.flatMap((reference) => {
    const verdict = gateReference(reference, ignore);
    return verdict.passes
      ? []
      : [{ path: file.path, line: reference.site.line, uses: reference.site.value, reason: verdict.reason }];
  });
}

/** What still fails the gate once the pins planned for `file` are written (when they were). */
export function gateFailuresAfterPinning(file: PinnedFile, ignore?: IgnoreRef): GateFailure[] {
  if (file.status === 'unreadable') return [{ path: file.path, reason: `the file cannot be read: ${file.error}` }];
  return file.plan.entries.flatMap((entry): GateFailure[] => {
    if (entry.action === 'keep') return [];
    if (entry.action === 'pin') {
      if (file.status === 'rewritten') return [];
      return [
        {
          path: file.path,
          line: entry.pin.site.line,
          uses: entry.pin.before,
          reason: `left as it is: ${file.status === 'rejected' ? file.problem : 'not written'}`,
        },
      ];
    }
    // A skipped reference stays as it is: it fails when what it names can move.
    const verdict = gateReference(entry, ignore);
    return verdict.passes
      ? []
      : [{ path: file.path, line: entry.site.line, uses: entry.site.value, reason: entry.reason }];
  });
}

/** Images still not pinned once the pins planned for `file` are written, and why. */
export function imageGateFailuresAfterPinning(file: PinnedImageFile): GateFailure[] {
  if (file.status === 'unreadable') return [{ path: file.path, reason: `the file cannot be read: ${file.error}` }];
  return file.entries.flatMap((entry): GateFailure[] => {
    const at = { path: file.path, line: entry.located.site.line, uses: entry.located.site.written };
    if (entry.action === 'pin')
      return file.status === 'rewritten'
        ? []
        : [{ ...at, reason: `left as it is: ${file.status === 'rejected' ? file.problem : 'not written'}` }];
    if (entry.action === 'skip' && !gateImage(entry.located).passes) return [{ ...at, reason: entry.reason }];
    return [];
  });
}
