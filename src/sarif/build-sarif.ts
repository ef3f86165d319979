// The audit's findings as a SARIF 2.1.0 log, for GitHub code scanning: one rule per check, one
// result per finding at its file and line, and fingerprints that do not move with the line, so an
// alert stays the same alert across runs — fixed when its finding goes, dismissed once.
import { createHash } from 'node:crypto';
import type { Log, Result } from 'sarif';
import type { CheckName, Finding } from '../audit/types.js';
import { LEVEL, RULES, SECURITY_SEVERITY } from './rules.js';

/** Code scanning keeps the first 5,000 results of a run and refuses a file with more than 25,000. */
export const MAX_SARIF_RESULTS = 5_000;
/** The category of pinwarden's analyses: one per repository and branch, replaced by each upload. */
export const SARIF_CATEGORY = 'pinwarden/';
export const SARIF_TOOL = 'pinwarden';
const INFORMATION_URI = 'https://github.com/pinwarden/pinwarden';

export interface SarifBuild {
  readonly log: Log;
  /** Findings past `MAX_SARIF_RESULTS`, left out (the findings issue still has them). */
  readonly leftOut: number;
}

export function buildSarif(findings: readonly Finding[], version: string): SarifBuild {
  const checks = Object.keys(RULES) as CheckName[];
  const kept = findings.slice(0, MAX_SARIF_RESULTS);
  const fingerprints = fingerprintsOf(kept);
  const results = kept.map((finding, index): Result => ({
    ruleId: finding.check,
    ruleIndex: checks.indexOf(finding.check),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(finding.path) },
          region: { startLine: Math.max(1, finding.line) },
        },
      },
    ],
    partialFingerprints: fingerprints[index]!,
    properties: { severity: finding.severity, uses: finding.uses, evidence: finding.evidence },
  }));
  return {
    leftOut: findings.length - kept.length,
    log: {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: SARIF_TOOL,
              version,
              informationUri: INFORMATION_URI,
              rules: checks.map((check) => ({
                id: check,
                name: RULES[check].name,
                shortDescription: { text: RULES[check].description },
                helpUri: `${INFORMATION_URI}#the-audit-were-we-hit`,
                defaultConfiguration: { level: LEVEL[RULES[check].severity] },
                properties: {
                  'security-severity': SECURITY_SEVERITY[RULES[check].severity],
                  tags: ['security', 'supply-chain'],
                },
              })),
            },
          },
          automationDetails: { id: SARIF_CATEGORY },
          results,
        },
      ],
    },
  };
}

/**
 * What identifies a finding across runs: its check, file and the reference it is about — not its
 * line, which moves when lines above it change — and, for the same reference twice in one file,
 * which occurrence it is. `primaryLocationLineHash` is the key code scanning reads ("hash:n", as
 * CodeQL writes it); `pinwarden/v1` says whose hash it is.
 */
function fingerprintsOf(findings: readonly Finding[]): Record<string, string>[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const hash = createHash('sha256')
      .update([finding.check, finding.path, finding.uses].join('\0'))
      .digest('hex')
      .slice(0, 16);
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    return { primaryLocationLineHash: `${hash}:${occurrence}`, 'pinwarden/v1': `${hash}:${occurrence}` };
  });
}

/** A repository path as SARIF's `uri` (a URI reference): each segment percent-encoded, so `#`, `%` and spaces stay in the path. */
export function sarifUri(path: string): string {
  return path
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
