// The audit in the Markdown pinwarden posts: a "Security findings" section at the top of the
// pinning pull request, and the body of the repository's findings issue, which says what to do —
// which runs and hours to check, which secrets to rotate. Everything from a repository is
// rendered as text (safe-markdown).
import { inlineCode, safeText } from '../markdown/safe-markdown.js';
import { count } from '../report/words.js';
import type { Finding } from './types.js';
import { isSerious } from './types.js';

const MAX_LISTED = 60;

function findingLine(finding: Finding): string {
  return `- **${finding.severity}** ${inlineCode(finding.path)}${finding.line > 0 ? ` line ${finding.line}` : ''} (${finding.check}): ${safeText(finding.message)}`;
}

function listed(findings: readonly Finding[]): string[] {
  const lines = findings.slice(0, MAX_LISTED).map(findingLine);
  return findings.length > MAX_LISTED
    ? [...lines, `- … and ${findings.length - MAX_LISTED} more; \`pinwarden audit\` lists them all.`]
    : lines;
}

/** The pull request's section; empty when there is nothing to say. */
export function findingsSection(findings: readonly Finding[]): string[] {
  // What the pull request itself pins is in its table; the section says what pinning cannot fix.
  const shown = findings.filter((finding) => finding.severity !== 'info' && finding.check !== 'unpinned');
  if (shown.length === 0) return [];
  const serious = shown.filter(isSerious).length;
  return [
    '### Security findings',
    serious > 0
      ? `${serious} serious: see the issue pinwarden opened for what to do.`
      : 'Nothing serious; worth a look.',
    '',
    ...listed(shown),
    '',
  ];
}

interface Window {
  readonly start: string;
  readonly end: string;
  readonly precision: string;
}

/** The findings issue's lines, or undefined when nothing is high or critical (the issue closes). */
export function findingsIssueLines(
  findings: readonly Finding[],
  textOf: (path: string) => string | undefined,
): string[] | undefined {
  const serious = findings.filter(isSerious);
  if (serious.length === 0) return undefined;
  const windows = new Map<string, { window: Window; paths: Set<string> }>();
  for (const finding of serious) {
    const window = (finding.evidence as { window?: Window }).window;
    if (!window) continue;
    const key = `${window.start}/${window.end}`;
    if (!windows.has(key)) windows.set(key, { window, paths: new Set() });
    windows.get(key)!.paths.add(finding.path);
  }
  const paths = [...new Set(serious.map((finding) => finding.path))].sort();
  const secrets = [
    ...new Set(
      paths.flatMap((path) =>
        [...(textOf(path) ?? '').matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!),
      ),
    ),
  ].sort();
  return [
    `pinwarden's audit found ${count(serious.length, 'high or critical problem')} in this repository's workflows.`,
    '',
    '### What to do',
    ...[...windows.values()].map(
      ({ window, paths: affected }) =>
        `- Check the runs of ${[...affected]
          .sort()
          .map((path) => inlineCode(path))
          .join(
            ', ',
          )} from ${window.start} to ${window.end} UTC (${safeText(window.precision)}): a run in those hours ran the malicious code.`,
    ),
    `- Treat as stolen every secret those workflows could read, and rotate it: ${[...secrets.map((name) => inlineCode(name)), inlineCode('GITHUB_TOKEN')].join(', ')}${secrets.length === 0 ? ' (no other `secrets.` named in them; check environment and organisation secrets too)' : ', and any environment or organisation secret they reach'}.`,
    '- Remove or re-pin the references below; the pinning pull request never writes a known-bad pin.',
    '',
    '### Findings',
    ...listed(serious),
  ];
}
