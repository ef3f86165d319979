// The pinning use case over a set of files already read: locate → one resolver batch for all
// files → plan → splice → verify, per file. Shared by the CLI and the GitHub App.
import { refKey } from '../resolve/types.js';
import type { RefResolver, Resolution } from '../resolve/types.js';
import { twinOf } from '../resolve/version-tags.js';
import { classifyRefName } from '../workflow/parse-action-ref.js';
import { collectRefRequests, planPins, trustCandidates } from './plan-pins.js';
import type { Judgements } from '../trust/judge-pin.js';
import type { IgnoreRef } from '../workflow/types.js';
import type { PinTrust } from '../trust/pin-trust.js';
import type { TrustPolicy } from '../trust/types.js';
import type { RefKey } from '../resolve/types.js';
import { rewriteFile } from './rewrite-file.js';
import type { FileRewrite } from './rewrite-file.js';
import type { FileKind, LocateResult } from '../workflow/types.js';
import { imagesAfterEdits } from '../images/images-after-edits.js';
import type { ImageFile } from '../images/types.js';
import type { LocatedWorkflowFile } from '../images/types.js';

export interface FileToPin {
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string;
  readonly located: LocatedWorkflowFile;
}

export type PinnedFile = { readonly path: string; readonly original: string } & (
  FileRewrite | { readonly status: 'unreadable'; readonly error: string }
);

/** Pin-time trust for a run: who judges, and the repository's policy. */
export interface TrustOption {
  readonly trust: PinTrust;
  readonly policy: TrustPolicy;
}

export async function pinFiles(
  files: readonly FileToPin[],
  resolver: RefResolver,
  ignore?: IgnoreRef,
  options: { readonly staysOnTag?: readonly string[]; readonly trust?: TrustOption } = {},
): Promise<PinnedFile[]> {
  const requests = collectRefRequests(
    files.flatMap((file) => (file.located.ok ? file.located.references : [])),
    ignore,
  );
  const first = await resolver.resolve(requests);
  // A version tag that is not there may have a `v` twin (trivy-action re-created `0.33.1` as
  // `v0.33.1`): asked only then, so the report can name it instead of only "not found".
  const twins = requests
    .filter((request) => isMissingRef(first.get(refKey(request))) && classifyRefName(request.ref) === 'version-tag')
    .map((request) => ({ ...request, ref: twinOf(request.ref) }));
  const resolutions = twins.length === 0 ? first : new Map([...first, ...(await resolver.resolve(twins))]);
  const references = files.flatMap((file) => (file.located.ok ? file.located.references : []));
  const judgements = options.trust
    ? await judgeAll(options.trust, {
        references,
        resolutions,
        ...(ignore ? { ignore } : {}),
        ...(options.staysOnTag ? { staysOnTag: options.staysOnTag } : {}),
      })
    : undefined;
  return files.map((file): PinnedFile => {
    if (!file.located.ok)
      return { path: file.path, original: file.text, status: 'unreadable', error: file.located.error };
    const input = {
      text: file.text,
      references: file.located.references,
      resolutions,
      ...(ignore ? { ignore } : {}),
      ...(options.staysOnTag ? { staysOnTag: options.staysOnTag } : {}),
      ...(judgements ? { judgements } : {}),
    };
    try {
      return { path: file.path, original: file.text, ...rewriteFile(input) };
    } catch (error) {
      // One hostile file costs only that file.
      return {
        path: file.path,
        original: file.text,
        status: 'rejected',
        plan: planPins(input),
        problem: `pinwarden could not rewrite this file: ${(error as Error).message}`,
      };
    }
  });
}

/** The file's `uses:` alone as it ends (what the audit reads): its images are not moved. */
export function referencesAsPinned(result: PinnedFile, located: LocatedWorkflowFile): LocateResult | undefined {
  if (result.status !== 'rewritten') return located;
  return result.references ? { ok: true, references: result.references } : undefined;
}

/** The file's `uses:` as it ends: moved by a proved rewrite, as read when unchanged; undefined when only a new parse can tell. */
export function usesAsPinned(result: PinnedFile, located: LocatedWorkflowFile): LocatedWorkflowFile | undefined {
  if (result.status !== 'rewritten') return located;
  if (!result.references) return undefined;
  const images =
    located.ok && located.images && result.edits ? imagesAfterEdits(located.images, result.edits) : undefined;
  return { ok: true, references: result.references, ...(images ? { images } : {}) };
}

/** A workflow or action as the action pass left it, for the image pass (its `uses:` along when known without a parse). */
export function pinnedAsImageFile(
  result: PinnedFile,
  file: Pick<FileToPin, 'kind' | 'located'>,
): ImageFile | undefined {
  if (result.status === 'unreadable') return undefined;
  const uses = usesAsPinned(result, file.located);
  return {
    path: result.path,
    kind: file.kind,
    text: result.status === 'rewritten' ? result.text : result.original,
    ...(uses ? { uses } : {}),
  };
}

/** The repository answered, but has no such ref: only then is a `v` twin worth asking about. */
function isMissingRef(resolution: Resolution | undefined): boolean {
  return resolution?.status === 'not-found' && resolution.missing === 'ref';
}

/** Every candidate of the run judged in one batch (one listing per action repository). */
export async function judgeAll(option: TrustOption, input: Parameters<typeof trustCandidates>[0]): Promise<Judgements> {
  const candidates = trustCandidates(input);
  if (candidates.length === 0) return new Map();
  const judged = await option.trust.judge(
    candidates.map(({ candidate }) => candidate),
    option.policy,
  );
  return new Map(
    candidates.flatMap(({ key }, index): [RefKey, NonNullable<(typeof judged)[number]>][] =>
      judged[index] ? [[key, judged[index]]] : [],
    ),
  );
}
