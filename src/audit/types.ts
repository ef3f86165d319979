// What the audit says of a repository: findings, each tied to a line and a check, with the facts
// that made it (evidence) so a maintainer can verify it and a machine can act on it.
import { codeUnitOrder } from '../common/code-unit-order.js';
import type { TrustCheck } from '../trust/types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type CheckName =
  | 'known-compromised'
  | 'impostor-commit'
  | 'tag-moved'
  | 'advisory'
  | 'transitive'
  | 'ioc'
  | 'must-stay-on-tag'
  | 'comment-mismatch'
  | 'unpinned'
  | 'latest-image'
  | 'image-tag-moved'
  | 'image-signature'
  | 'unreadable'
  | 'actions-lock'
  | TrustCheck;

export interface Finding {
  readonly path: string;
  readonly line: number;
  /** The `uses:` value (or the text) the finding is about. */
  readonly uses: string;
  readonly check: CheckName;
  readonly severity: Severity;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Critical first, then by file and line: the order every list of findings is read in. */
export function bySeverityThenPlace(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity) || codeUnitOrder(a.path, b.path) || a.line - b.line;
}

/** High and critical findings fail the audit (exit 1) and open the findings issue. */
export function isSerious(finding: Pick<Finding, 'severity'>): boolean {
  return finding.severity === 'critical' || finding.severity === 'high';
}
