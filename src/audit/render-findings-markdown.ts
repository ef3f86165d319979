// The audit in the Markdown pinwarden posts: a "Security findings" section at the top of the
// pinning pull request, and the body of the repository's findings issue, which says what to do —
// which runs and hours to check, which secrets to rotate. Everything from a repository is
// rendered as text (safe-markdown).
import { inlineCode, safeMessage, safeText } from '../markdown/safe-markdown.js';
import { imagePathsAmong } from '../images/image-file-kind.js';
import { fileKindOf } from '../workflow/file-kind.js';
import { FILE_KIND_WORDS, count } from '../report/words.js';
import type { Finding } from './types.js';
import { bySeverityThenPlace, isSerious } from './types.js';

const MAX_LISTED = 60;

function findingLine(finding: Finding): string {
  return `- **${finding.severity}** ${inlineCode(finding.path)}${finding.line > 0 ? ` line ${finding.line}` : ''} (${finding.check}): ${safeMessage(finding.message)}`;
}

/** Critical first, then by file and line. */
function bySeverity(findings: readonly Finding[]): Finding[] {
  return findings.toSorted(bySeverityThenPlace);
}

function listed(unsorted: readonly Finding[]): string[] {
  const findings = bySeverity(unsorted);
  const lines = findings.slice(0, MAX_LISTED).map(findingLine);
  return findings.length > MAX_LISTED
    ? [...lines, `- … and ${findings.length - MAX_LISTED} more; \`pinwarden audit\` lists them all.`]
    : lines;
}

/** The pull request's section; empty when there is nothing to say. `issueUrl`: the findings issue. */
export function findingsSection(findings: readonly Finding[], issueUrl?: string): string[] {
  // What the pull request itself pins is in its table; the section says what pinning cannot fix.
  const shown = findings.filter((finding) => finding.severity !== 'info' && finding.check !== 'unpinned');
  if (shown.length === 0) return [];
  const serious = shown.filter(isSerious).length;
  return [
    '### Security findings',
    serious > 0
      ? `${serious} serious: see ${issueUrl ? `[the issue pinwarden opened](${issueUrl})` : 'the issue pinwarden opened'} for what to do.`
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
        [...(textOf(path) ?? '').matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)]
          .map((match) => match[1]!)
          .filter((name) => name.toUpperCase() !== 'GITHUB_TOKEN'),
      ),
    ),
  ].sort();
  return [
    `pinwarden's audit found ${count(serious.length, 'high or critical problem')} in this repository's ${kindWords(paths)}.`,
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
    // GITHUB_TOKEN expires with its job: there is nothing to rotate. An image without the
    // signature a rule requires is a question of provenance, not proof of a theft.
    ...(serious.some((finding) => finding.check !== 'image-signature')
      ? [
          secrets.length > 0
            ? `- Treat as stolen every secret those files could read, and rotate it: ${secrets.map((name) => inlineCode(name)).join(', ')}, and any environment or organisation secret they reach.`
            : '- Treat as stolen every environment and organisation secret those files could read, and rotate it (they name no `secrets.` themselves).',
          '- Remove or re-pin the references below; the pinning pull request never writes a known-bad pin.',
        ]
      : []),
    ...(serious.some((finding) => finding.check === 'image-signature')
      ? [
          '- Find out where the images without the signature `images.verify` requires came from before anything runs them again; sign them in the workflow that builds them (cosign, keyless), or correct the rule. Their digests are not written until they are signed as it says.',
        ]
      : []),
    '',
    '### Findings',
    ...listed(serious),
  ];
}

/** What the files are, in words (`workflows and compose files`): the findings are not all in workflows. */
function kindWords(paths: readonly string[]): string {
  const words = new Set(
    paths.map((path) => {
      const kind = fileKindOf(path) ?? imagePathsAmong([path])[0]?.kind;
      return FILE_KIND_WORDS[kind ?? ''] ?? 'files';
    }),
  );
  const list = [...words];
  return list.length <= 1 ? (list[0] ?? 'files') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}
