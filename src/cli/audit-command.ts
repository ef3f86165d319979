// `pinwarden audit`: every pin and every reference checked against what is known to have gone
// wrong (compromised commits and moved tags, rewritten releases, comments that lie, actions that
// must stay on a tag, indicators of compromise). Exit 1 when a finding is high or critical.
import { auditFiles } from '../audit/audit-files.js';
import { renderFindingsJson, renderFindingsSarif, renderFindingsText } from '../audit/render-findings.js';
import { isSerious } from '../audit/types.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { readLocalFiles } from './read-local-files.js';
import { NOTHING_TO_RESOLVE, chooseResolver } from './resolver-option.js';
import type { ResolverOption } from './resolver-option.js';

export interface AuditOptions extends ResolverOption {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json' | 'sarif';
  readonly version: string;
}

export async function auditCommand(options: AuditOptions, io: CliIo): Promise<number> {
  const { files, notes } = await readLocalFiles(options.paths, io.cwd);
  // Without a token or refs data the checks that need GitHub's answers are skipped, and that is said.
  const canAsk = options.refsDir !== undefined || Boolean(io.env.GITHUB_TOKEN);
  if (!canAsk) notes.push('no GITHUB_TOKEN or --refs: what tags and commits name today was not asked, so rewritten releases, lying comments and tags that now name a bad commit were not checked');
  const findings = await auditFiles(files, canAsk ? await chooseResolver(options, io.env) : NOTHING_TO_RESOLVE);
  if (options.format === 'json') io.stdout.write(renderFindingsJson(findings, notes));
  else if (options.format === 'sarif') {
    io.stdout.write(renderFindingsSarif(findings, options.version));
    for (const note of notes) io.stderr.write(`pinwarden: ${note}\n`);
  } else io.stdout.write(renderFindingsText(findings, notes));
  return findings.some(isSerious) ? EXIT.findings : EXIT.ok;
}
