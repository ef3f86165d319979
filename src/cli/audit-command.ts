// `pinwarden audit`: every pin and every reference checked against what is known to have gone
// wrong (compromised commits and moved tags, rewritten releases, comments that lie, actions that
// must stay on a tag, indicators of compromise). Exit 1 when a finding is high or critical.
import { renderFindingsJson, renderFindingsText } from '../audit/render-findings.js';
import { isSerious } from '../audit/types.js';
import { count } from '../report/words.js';
import { buildSarif } from '../sarif/build-sarif.js';
import { sarifProblems } from '../sarif/validate-sarif.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { auditRead, auditSources } from './local-audit.js';
import type { AuditSourceOptions } from './local-audit.js';
import { readLocalFiles } from './read-local-files.js';

export interface AuditOptions extends AuditSourceOptions {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json' | 'sarif';
  readonly version: string;
}

export async function auditCommand(options: AuditOptions, io: CliIo): Promise<number> {
  const read = await readLocalFiles(options.paths, io.cwd);
  const report = await auditRead(read, await auditSources(options, io), io);
  const allNotes = [...report.notes, policyNote(report.requireFullShaPolicy)];
  if (options.format === 'json')
    io.stdout.write(renderFindingsJson(report.findings, allNotes, report.requireFullShaPolicy));
  else if (options.format === 'sarif') {
    const { log, leftOut } = buildSarif(report.findings, options.version);
    // What is written is checked against SARIF's schema first: invalid SARIF is pinwarden's bug.
    const problems = sarifProblems(log);
    if (problems.length > 0) throw new Error(`pinwarden wrote SARIF its schema refuses: ${problems.join('; ')}`);
    io.stdout.write(`${JSON.stringify(log)}\n`);
    if (leftOut > 0) allNotes.push(`${leftOut} findings past code scanning's 5,000 a run were left out of the SARIF`);
    for (const note of allNotes) io.stderr.write(`pinwarden: ${note}\n`);
  } else io.stdout.write(renderFindingsText(report.findings, allNotes));
  return report.findings.some(isSerious) ? EXIT.findings : EXIT.ok;
}

function policyNote(policy: { ready: boolean; blockers: readonly string[] }): string {
  return policy.ready
    ? 'ready for GitHub\'s "require full-length commit SHA" policy: every action, and every action they call, is pinned'
    : `not ready for GitHub's "require full-length commit SHA" policy: ${count(policy.blockers.length, 'reference')} would fail the run (${policy.blockers.slice(0, 5).join('; ')}${policy.blockers.length > 5 ? '; …' : ''})`;
}
