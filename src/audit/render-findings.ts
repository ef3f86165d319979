// The audit's findings as a terminal shows them, and as JSON for machines (SARIF for code
// scanning is sarif/build-sarif.ts).
import { count, printable } from '../report/words.js';
import type { Finding } from './types.js';
import { SEVERITIES } from './types.js';

export function renderFindingsText(findings: readonly Finding[], notes: readonly string[] = []): string {
  const lines = findings.map(
    (finding) =>
      `${finding.severity.toUpperCase().padEnd(8)} ${printable(finding.path)}:${finding.line}  ${finding.check}  ${printable(finding.message)}`,
  );
  const bySeverity = SEVERITIES.map(
    (severity) => [severity, findings.filter((finding) => finding.severity === severity).length] as const,
  ).filter(([, n]) => n > 0);
  const summary =
    findings.length === 0
      ? 'no findings'
      : `${count(findings.length, 'finding')}: ${bySeverity.map(([severity, n]) => `${n} ${severity}`).join(', ')}`;
  return [...lines, ...notes.map((note) => `note: ${printable(note)}`), '', summary, ''].join('\n');
}

export function renderFindingsJson(
  findings: readonly Finding[],
  notes: readonly string[] = [],
  requireFullShaPolicy?: { ready: boolean; blockers: readonly string[] },
): string {
  return `${JSON.stringify({ findings, notes, ...(requireFullShaPolicy ? { requireFullShaPolicy } : {}) })}\n`;
}
