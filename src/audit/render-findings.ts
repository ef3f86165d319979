// The audit's findings as a terminal shows them, as JSON for machines, and as SARIF 2.1.0 for
// GitHub code scanning (`github/codeql-action/upload-sarif`): one rule per check, one result per
// finding at its file and line, GitHub's `security-severity` on each rule.
import { count, printable } from '../report/words.js';
import type { CheckName, Finding, Severity } from './types.js';
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

const RULES: Record<CheckName, { name: string; description: string; severity: Severity }> = {
  'known-compromised': {
    name: 'KnownCompromised',
    description: 'A reference to a commit or a moved tag of a known supply-chain compromise',
    severity: 'critical',
  },
  'impostor-commit': {
    name: 'ImpostorCommit',
    description: 'A pinned commit no branch or tag of the repository contains (it exists only in a fork)',
    severity: 'high',
  },
  'tag-moved': {
    name: 'TagMoved',
    description: 'A release tag now names another commit than the one pinned: the release was rewritten',
    severity: 'high',
  },
  advisory: { name: 'Advisory', description: 'The pinned version is in a GitHub security advisory', severity: 'high' },
  transitive: {
    name: 'Transitive',
    description: 'The action calls another action by a mutable or compromised ref inside its own action.yml',
    severity: 'high',
  },
  ioc: {
    name: 'IndicatorOfCompromise',
    description: 'The file holds an indicator of a known compromise',
    severity: 'critical',
  },
  'must-stay-on-tag': {
    name: 'MustStayOnTag',
    description: 'An action that refuses to run from a commit SHA is pinned by one, or not on a full version tag',
    severity: 'high',
  },
  'comment-mismatch': {
    name: 'CommentMismatch',
    description: 'The version comment does not describe the pinned commit',
    severity: 'low',
  },
  unpinned: {
    name: 'Unpinned',
    description: 'A reference that can move under the workflow (tag, branch, image tag)',
    severity: 'medium',
  },
  unreadable: {
    name: 'Unreadable',
    description: 'A file that could not be read, so nothing in it was checked',
    severity: 'medium',
  },
  'actions-lock': {
    name: 'ActionsLock',
    description:
      'GitHub cannot use the workflow lockfile (it does not parse, or names references its workflows do not use): the workflows run unlocked, or fail to start',
    severity: 'high',
  },
  'latest-image': {
    name: 'LatestImage',
    description: 'An image on `latest` (or no tag): whatever was pushed last',
    severity: 'medium',
  },
  'image-tag-moved': {
    name: 'ImageTagMoved',
    description: 'The tag of a digest-pinned image now names another digest',
    severity: 'low',
  },
  'impostor-tag': {
    name: 'ImpostorTag',
    description:
      'A tag names a commit that no branch holds and no other tag contains (it may exist only in a fork): not pinned',
    severity: 'critical',
  },
  'mass-retag': {
    name: 'MassRetag',
    description: 'Three or more releases name one commit, the shape of a hijacked repository: not pinned',
    severity: 'critical',
  },
  'release-not-descendant': {
    name: 'ReleaseNotDescendant',
    description: 'A release whose history does not hold the release before it',
    severity: 'high',
  },
  'fresh-release': {
    name: 'FreshRelease',
    description: 'A release younger than pin.min_release_age_days',
    severity: 'low',
  },
  'tag-moved-since-seen': {
    name: 'TagMovedSinceSeen',
    description: 'A release tag names another commit than when pinwarden first saw it: not pinned',
    severity: 'critical',
  },
  'downloads-latest': {
    name: 'DownloadsLatest',
    description: 'A pinned action told to download the latest version of its tool, which a pin does not hold still',
    severity: 'medium',
  },
};

/** GitHub code scanning reads `security-severity` (0.0–10.0) on rules. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export function renderFindingsSarif(findings: readonly Finding[], version: string): string {
  const checks = Object.keys(RULES) as CheckName[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pinwarden',
            version,
            informationUri: 'https://github.com/pinwarden/pinwarden',
            rules: checks.map((check) => ({
              id: check,
              name: RULES[check].name,
              shortDescription: { text: RULES[check].description },
              defaultConfiguration: { level: LEVEL[RULES[check].severity] },
              properties: {
                'security-severity': SECURITY_SEVERITY[RULES[check].severity],
                tags: ['security', 'supply-chain'],
              },
            })),
          },
        },
        results: findings.map((finding) => ({
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
          properties: { severity: finding.severity, evidence: finding.evidence },
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif)}\n`;
}

/** A repository path as SARIF's `uri` (a URI reference): each segment percent-encoded, so `#`, `%` and spaces stay in the path. */
export function sarifUri(path: string): string {
  return path
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
