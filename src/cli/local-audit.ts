// The audit over files the command line read (from disk, or from an organisation's repositories
// through the API): every check of `pinwarden audit`, images included, and what could not be
// checked, said. `audit` prints it; `inventory` lists what it found with it.
import { auditFiles, auditedLockfile } from '../audit/audit-files.js';
import type { AuditedFile } from '../audit/audit-files.js';
import { auditImages } from '../audit/audit-images.js';
import type { IndirectUse } from '../audit/transitive.js';
import type { Finding } from '../audit/types.js';
import { NOT_ASKED } from '../images/image-digests.js';
import { locateImageFile } from '../images/locate-image-file.js';
import { resolveImages } from '../images/pin-images.js';
import type { ImageFile, LocateImagesResult, LocatedWorkflowFile } from '../images/types.js';
import type { FileKind } from '../workflow/types.js';
import type { CliIo } from './io.js';
import { chooseImageResolver } from './image-resolver-option.js';
import type { ImageResolverOption } from './image-resolver-option.js';
import { NOTHING_TO_RESOLVE, chooseAuditFacts, cliTrust } from './resolver-option.js';
import type { ResolverOption } from './resolver-option.js';
import type { AuditFacts } from '../audit/audit-facts.js';

export interface FilesToAudit {
  readonly files: readonly {
    readonly path: string;
    readonly kind: FileKind;
    readonly text: string;
    readonly located: LocatedWorkflowFile;
  }[];
  readonly imageFiles: readonly ImageFile[];
  readonly lockfiles: readonly { readonly path: string; readonly text: string }[];
  readonly notes: readonly string[];
}

export interface LocalAudit {
  readonly findings: Finding[];
  readonly notes: string[];
  readonly requireFullShaPolicy: { readonly ready: boolean; readonly blockers: readonly string[] };
  readonly indirect: readonly IndirectUse[];
  readonly commitsToday: ReadonlyMap<string, string>;
  /** Every file read for images (workflows and actions too), located. */
  readonly images: readonly { readonly path: string; readonly located: LocateImagesResult }[];
}

export type AuditSourceOptions = ResolverOption &
  ImageResolverOption & { readonly advisoriesFile?: string | undefined };

/** Where the audit's answers come from: GitHub (a token), refs data, or nowhere (said in a note). */
export async function auditSources(options: AuditSourceOptions, io: CliIo) {
  // Without a token or refs data the checks that need GitHub's answers are skipped, and that is said.
  const canAsk = options.refsDir !== undefined || Boolean(io.env.GITHUB_TOKEN);
  const facts: AuditFacts | typeof NOTHING_TO_RESOLVE = canAsk
    ? await chooseAuditFacts(options, io.env)
    : NOTHING_TO_RESOLVE;
  return { canAsk, facts, images: await chooseImageResolver(options, io.env) };
}

export async function auditRead(
  read: FilesToAudit,
  sources: Awaited<ReturnType<typeof auditSources>>,
  io: CliIo,
): Promise<LocalAudit> {
  const { canAsk, facts } = sources;
  const notes = [...read.notes];
  if (!canAsk)
    notes.push(
      'no GITHUB_TOKEN or --refs: what tags and commits name today was not asked, so rewritten releases, lying comments, impostor commits, advisories and actions called inside actions were not checked',
    );
  // The commits a workflow lockfile records are audited like pins.
  const files: AuditedFile[] = [...read.files, ...read.lockfiles.map(auditedLockfile)];
  // The tags in use are judged as pinning them now would be ("pinning @v1 now would write …").
  const trust = cliTrust(facts, io.env);
  const report = await auditFiles(files, facts, undefined, trust ? { trust } : {});
  // Images: of the workflows and actions, and of every image file; a digest's tag is asked about too.
  const imageInputs = [
    ...read.files.map((file) => ({ path: file.path, kind: file.kind, text: file.text, uses: file.located })),
    ...read.imageFiles,
  ];
  const located = imageInputs.map(locateImageFile);
  const resolutions = await resolveImages(located, sources.images);
  report.findings.push(
    ...located.flatMap((result, index) =>
      result.ok ? auditImages(imageInputs[index]!.path, result.images, resolutions) : [],
    ),
  );
  const unasked = [...resolutions.values()].find(
    (answer) => answer.status === 'failed' && answer.reason.startsWith(NOT_ASKED),
  );
  if (unasked?.status === 'failed') notes.push(`image digests ${unasked.reason}`);
  return {
    findings: report.findings,
    notes: [...notes, ...(canAsk ? report.notes : [])],
    requireFullShaPolicy: report.requireFullShaPolicy,
    indirect: report.indirect,
    commitsToday: report.commitsToday,
    images: imageInputs.map((input, index) => ({ path: input.path, located: located[index]! })),
  };
}
