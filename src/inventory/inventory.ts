// Every action and image a repository uses, where, whether it is pinned, at which commit or
// digest, and what the audit found there: the answer to "who runs X, at which commit?" on the
// day of the next incident. Plain data from what a run (or the CLI) already read and audited.
import type { Finding, Severity } from '../audit/types.js';
import type { IndirectUse } from '../audit/transitive.js';
import { commentVersion } from '../audit/version-comment.js';
import { canonicalName, effectiveTag } from '../images/image-reference.js';
import type { LocateImagesResult } from '../images/types.js';
import { isRemoteRef } from '../workflow/parse-action-ref.js';
import type { LocateResult, RemoteRef, UsesReference } from '../workflow/types.js';

export type InventoryKind = 'action' | 'reusable-workflow' | 'image';

export interface InventoryFinding {
  readonly check: Finding['check'];
  readonly severity: Severity;
  readonly message: string;
}

export interface InventoryEntry {
  /** `owner/name`, in an organisation's inventory. */
  readonly repository?: string;
  readonly kind: InventoryKind;
  /** `owner/repo[/path]` of an action or called workflow; `registry/repository` of an image. */
  readonly name: string;
  readonly path: string;
  readonly line: number;
  /** The reference as the file writes it. */
  readonly written: string;
  readonly pinned: boolean;
  /** The tag or branch written, the version a SHA pin's comment names, or an image's tag. */
  readonly version: string | undefined;
  /** The pinned commit; for a tag or branch, the one it names today (it runs whatever it names then). */
  readonly commit: string | undefined;
  readonly digest: string | undefined;
  /** `indirect`: called inside an action or reusable workflow the file uses (`via`, outermost first). */
  readonly relationship: 'direct' | 'indirect';
  readonly via?: readonly string[];
  readonly findings: readonly InventoryFinding[];
}

export interface InventoryInput {
  readonly repository?: string;
  readonly workflows: readonly { readonly path: string; readonly located: LocateResult }[];
  readonly images: readonly { readonly path: string; readonly located: LocateImagesResult }[];
  readonly indirect?: readonly IndirectUse[];
  /** What each tag or branch in use names today, by `path\0line` (the audit's `commitsToday`). */
  readonly commitsToday?: ReadonlyMap<string, string>;
  readonly findings: readonly Finding[];
}

export function inventoryOf(input: InventoryInput): InventoryEntry[] {
  const at = findingsByPlace(input.findings);
  const repository = input.repository ? { repository: input.repository } : {};
  const actions = input.workflows.flatMap(({ path, located }) =>
    located.ok
      ? located.references.flatMap((reference): InventoryEntry[] =>
          isRemoteRef(reference.ref)
            ? [
                {
                  ...repository,
                  ...actionFields(reference.ref, reference, input.commitsToday?.get(`${path}\0${reference.site.line}`)),
                  path,
                  line: reference.site.line,
                  written: reference.site.value,
                  relationship: 'direct',
                  findings: at(path, reference.site.line, reference.site.value),
                },
              ]
            : [],
        )
      : [],
  );
  const images = input.images.flatMap(({ path, located }) =>
    located.ok
      ? located.images.flatMap((image): InventoryEntry[] =>
          image.status === 'image'
            ? [
                {
                  ...repository,
                  kind: 'image',
                  name: canonicalName(image.image),
                  path,
                  line: image.site.line,
                  written: image.site.written,
                  pinned: image.image.digest !== undefined,
                  version: image.image.digest && !image.image.tag ? undefined : effectiveTag(image.image),
                  commit: undefined,
                  digest: image.image.digest,
                  relationship: 'direct',
                  findings: at(path, image.site.line, image.site.written),
                },
              ]
            : [],
        )
      : [],
  );
  const indirect = (input.indirect ?? []).map((use): InventoryEntry => ({
    ...repository,
    ...actionFields(use.reference.ref as RemoteRef, use.reference, use.sha),
    path: use.path,
    line: use.line,
    written: use.reference.site.value,
    relationship: 'indirect',
    via: use.chain.slice(0, -1),
    findings: input.findings
      .filter(
        (finding) =>
          finding.check === 'transitive' &&
          finding.path === use.path &&
          finding.line === use.line &&
          lastOf(finding.evidence.chain) === use.reference.site.value,
      )
      .map(brief),
  }));
  return [...actions, ...indirect, ...images];
}

function actionFields(
  ref: RemoteRef,
  reference: UsesReference,
  resolved?: string,
): Pick<InventoryEntry, 'kind' | 'name' | 'pinned' | 'version' | 'commit' | 'digest'> {
  const pinned = ref.refKind === 'full-sha';
  return {
    kind: ref.kind,
    name: `${ref.owner}/${ref.repo}${ref.path ? `/${ref.path}` : ''}`,
    pinned,
    version: pinned ? commentVersion(reference) : ref.ref,
    commit: pinned ? ref.ref : resolved,
    digest: undefined,
  };
}

/**
 * Each indirect use with the use that calls it: in the same file, the reference its chain names
 * last before it (a root's direct use, or an indirect use a level up).
 */
export function callsInside(
  entries: readonly InventoryEntry[],
): { readonly caller: InventoryEntry; readonly called: InventoryEntry }[] {
  const first = new Map<string, InventoryEntry>();
  for (const entry of entries) {
    const key = `${entry.path}\0${entry.written}`;
    if (!first.has(key)) first.set(key, entry);
  }
  return entries.flatMap((called) => {
    const caller = called.via?.length ? first.get(`${called.path}\0${called.via.at(-1)}`) : undefined;
    return caller ? [{ caller, called }] : [];
  });
}

/** The findings at a place: a file, a line and the reference as written there. */
function findingsByPlace(findings: readonly Finding[]) {
  const place = (path: string, line: number, uses: string) => `${path}\0${line}\0${uses}`;
  const found = new Map<string, InventoryFinding[]>();
  for (const finding of findings) {
    const key = place(finding.path, finding.line, finding.uses);
    found.set(key, [...(found.get(key) ?? []), brief(finding)]);
  }
  return (path: string, line: number, uses: string): InventoryFinding[] => found.get(place(path, line, uses)) ?? [];
}

function brief(finding: Finding): InventoryFinding {
  return { check: finding.check, severity: finding.severity, message: finding.message };
}

function lastOf(chain: unknown): unknown {
  return Array.isArray(chain) ? chain[chain.length - 1] : undefined;
}
