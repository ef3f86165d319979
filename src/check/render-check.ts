// What the check run shows: a title, a summary with the same kind of table as the pinning pull
// request (file, line, what is there, what to write), the annotations on the exact lines (50 to a
// request, as GitHub takes them), and, for a fork, the replacement lines as suggestions.
import type { CheckConclusion, CheckFinding, FileFix } from './plan-check.js';
import { withinBodyLimit } from '../markdown/github-limits.js';
import { annotationLevel } from './plan-check.js';
import { codeBlock, inlineCode, safeMessage, tableCode } from '../markdown/safe-markdown.js';
import { count } from '../report/words.js';

export const CHECK_NAME = 'pinwarden';
export const PIN_ACTION = {
  label: 'Pin them',
  description: 'Push one commit pinning these lines',
  identifier: 'pin',
} as const;
/** GitHub takes at most this many annotations per check run request. */
export const ANNOTATIONS_PER_REQUEST = 50;
const SUMMARY_LIMIT = 60_000;

export interface Annotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: 'failure' | 'warning' | 'notice';
  readonly title: string;
  readonly message: string;
  readonly raw_details?: string;
}

export interface CheckText {
  readonly title: string;
  readonly summary: string;
  readonly text: string | undefined;
  readonly annotations: readonly Annotation[];
}

/** The value a pinned line holds, as the pinning pull request's table shows it (`owner/repo@sha # v1.2.3`). */
function afterValue(line: string): string {
  return line
    .trim()
    .replace(/^-\s+/, '')
    .replace(/^(?:uses|image|container|FROM)\s*:?\s*/, '');
}

export function renderCheck(input: {
  readonly findings: readonly CheckFinding[];
  readonly conclusion: CheckConclusion;
  readonly fixes: readonly FileFix[];
  /** `path:line` → why pinwarden cannot pin that flagged line (no such tag, repository not found, …). */
  readonly unpinnable?: ReadonlyMap<string, string>;
  readonly untouchedUnpinned: number;
  readonly fork: boolean;
  readonly checkedFiles: number;
}): CheckText {
  const blamed = input.findings.filter((finding) => finding.touched);
  const fixOf = (path: string, line: number) => input.fixes.find((fix) => fix.path === path)?.lines.get(line);
  const title =
    blamed.length === 0
      ? `Nothing to pin in ${count(input.checkedFiles, 'changed file')}`
      : `${count(blamed.length, 'problem')} on lines this pull request wrote`;
  const summary: string[] = [];
  if (blamed.length === 0)
    summary.push(
      input.checkedFiles === 0
        ? 'This pull request changes no workflow, action or image file.'
        : 'Every reference and image this pull request writes is pinned.',
    );
  else {
    // The pinning pull request's table (file, line, before, after), with the reason beside it.
    summary.push('| File | Line | Before | After | Why |', '| --- | ---: | --- | --- | --- |');
    let used = 0;
    for (const [index, finding] of blamed.entries()) {
      const fix = fixOf(finding.path, finding.line);
      const why = fix ? undefined : input.unpinnable?.get(`${finding.path}:${finding.line}`);
      const row = `| ${tableCode(finding.path)} | ${finding.line} | ${tableCode(finding.uses)} | ${fix ? tableCode(afterValue(fix)) : '–'} | **${finding.severity}** ${safeMessage(finding.message).replaceAll('|', '\\|')}${why ? ` Cannot be pinned: ${safeMessage(why).replaceAll('|', '\\|')}` : ''} |`;
      if (used + row.length > SUMMARY_LIMIT) {
        summary.push(`\n… and ${blamed.length - index} more, in the annotations.`);
        break;
      }
      summary.push(row);
      used += row.length + 1;
    }
    summary.push(
      '',
      input.fork
        ? 'This pull request comes from a fork, where pinwarden cannot push: the replacement lines are below, to copy.'
        : input.fixes.length > 0
          ? 'Press **Pin them** above to have pinwarden push one commit to this branch that writes the After column (it refuses if the branch moved meanwhile).'
          : 'pinwarden cannot pin these lines itself (see each reason); change them by hand.',
    );
  }
  if (input.untouchedUnpinned > 0)
    summary.push(
      '',
      `${count(input.untouchedUnpinned, 'other reference')} in these files ${input.untouchedUnpinned === 1 ? 'is' : 'are'} not pinned, on lines this pull request did not write; they are not blamed here (pinwarden's pinning pull request handles them).`,
    );
  const suggestions = input.fork
    ? input.fixes.flatMap((fix) =>
        [...fix.lines].map(([line, text]) => `${inlineCode(fix.path)} line ${line}:\n\n${codeBlock(text, 'yaml')}`),
      )
    : [];
  const annotations = blamed.map((finding): Annotation => {
    const fix = fixOf(finding.path, finding.line);
    return {
      path: finding.path,
      start_line: finding.line,
      end_line: finding.line,
      annotation_level: annotationLevel(finding.severity),
      title: `${finding.check}: ${finding.uses}`.slice(0, 255),
      message: (() => {
        const why = fix ? undefined : input.unpinnable?.get(`${finding.path}:${finding.line}`);
        return `${finding.message}${why ? ` Cannot be pinned: ${why}` : ''}`.slice(0, 4_000);
      })(),
      ...(fix ? { raw_details: `Pinned, this line reads:\n${fix}` } : {}),
    };
  });
  return {
    title,
    summary: summary.join('\n'),
    text:
      suggestions.length > 0
        ? withinBodyLimit(['### Replacement lines', ...suggestions].join('\n\n'), SUMMARY_LIMIT)
        : undefined,
    annotations,
  };
}
