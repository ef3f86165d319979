// `pinwarden audit`: every pin and every reference checked against what is known to have gone
// wrong (compromised commits and moved tags, rewritten releases, comments that lie, actions that
// must stay on a tag, indicators of compromise). Exit 1 when a finding is high or critical.
import { auditFiles, auditedLockfile } from '../audit/audit-files.js';
import { renderFindingsJson, renderFindingsSarif, renderFindingsText } from '../audit/render-findings.js';
import { isSerious } from '../audit/types.js';
import { count } from '../report/words.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { readLocalFiles } from './read-local-files.js';
import { NOTHING_TO_RESOLVE, chooseAuditFacts, cliTrust } from './resolver-option.js';
import type { ResolverOption } from './resolver-option.js';
import { chooseImageResolver } from './image-resolver-option.js';
import type { ImageResolverOption } from './image-resolver-option.js';
import { auditImages } from '../audit/audit-images.js';
import { locateImageFile } from '../images/locate-image-file.js';
import { resolveImages } from '../images/pin-images.js';
import { NOT_ASKED } from '../images/image-digests.js';

export interface AuditOptions extends ResolverOption, ImageResolverOption {
  readonly paths: readonly string[];
  readonly advisoriesFile: string | undefined;
  readonly format: 'text' | 'json' | 'sarif';
  readonly version: string;
}

export async function auditCommand(options: AuditOptions, io: CliIo): Promise<number> {
  const { files: read, imageFiles, notes, lockfiles } = await readLocalFiles(options.paths, io.cwd);
  // The commits a workflow lockfile records are audited like pins.
  const files = [...read, ...lockfiles.map(auditedLockfile)];
  // Without a token or refs data the checks that need GitHub's answers are skipped, and that is said.
  const canAsk = options.refsDir !== undefined || Boolean(io.env.GITHUB_TOKEN);
  if (!canAsk)
    notes.push(
      'no GITHUB_TOKEN or --refs: what tags and commits name today was not asked, so rewritten releases, lying comments, impostor commits, advisories and actions called inside actions were not checked',
    );
  const facts = canAsk ? await chooseAuditFacts(options, io.env) : NOTHING_TO_RESOLVE;
  // The tags in use are judged as pinning them now would be ("pinning @v1 now would write …").
  const trust = cliTrust(facts, io.env);
  const report = await auditFiles(files, facts, undefined, trust ? { trust } : {});
  // Images: of the workflows and actions, and of every image file; a digest's tag is asked about too.
  const imageInputs = [
    ...read.map((file) => ({ path: file.path, kind: file.kind, text: file.text, uses: file.located })),
    ...imageFiles,
  ];
  const imagesLocated = imageInputs.map(locateImageFile);
  const resolutions = await resolveImages(imagesLocated, await chooseImageResolver(options, io.env));
  report.findings.push(
    ...imagesLocated.flatMap((located, index) =>
      located.ok ? auditImages(imageInputs[index]!.path, located.images, resolutions) : [],
    ),
  );
  const unaskedImages = [...resolutions.values()].find(
    (answer) => answer.status === 'failed' && answer.reason.startsWith(NOT_ASKED),
  );
  if (unaskedImages?.status === 'failed') notes.push(`image digests ${unaskedImages.reason}`);
  const allNotes = [...notes, ...(canAsk ? report.notes : []), policyNote(report.requireFullShaPolicy)];
  if (options.format === 'json')
    io.stdout.write(renderFindingsJson(report.findings, allNotes, report.requireFullShaPolicy));
  else if (options.format === 'sarif') {
    io.stdout.write(renderFindingsSarif(report.findings, options.version));
    for (const note of allNotes) io.stderr.write(`pinwarden: ${note}\n`);
  } else io.stdout.write(renderFindingsText(report.findings, allNotes));
  return report.findings.some(isSerious) ? EXIT.findings : EXIT.ok;
}

function policyNote(policy: { ready: boolean; blockers: readonly string[] }): string {
  return policy.ready
    ? 'ready for GitHub\'s "require full-length commit SHA" policy: every action, and every action they call, is pinned'
    : `not ready for GitHub's "require full-length commit SHA" policy: ${count(policy.blockers.length, 'reference')} would fail the run (${policy.blockers.slice(0, 5).join('; ')}${policy.blockers.length > 5 ? '; …' : ''})`;
}
