// What pinwarden could not do for a repository when no pull request of its own is there to say
// it: an invalid `.github/pinwarden.yml` on a first install, workflows it cannot read when there
// is nothing to pin. The maintainer is told where they look, in one issue per repository, edited
// when the problems change and closed by pinwarden when they are gone. Plain data in and out.
import { createHash } from 'node:crypto';
import { inlineCode, safeMessage } from '../markdown/safe-markdown.js';
import { withinBodyLimit } from '../markdown/github-limits.js';

export const ATTENTION_LABEL = 'pinwarden';
export const ATTENTION_TITLE = 'pinwarden: needs attention';
const MARKER = '<!-- pinwarden:attention -->';

/** The issues pinwarden keeps, one of each per repository, told apart by the marker opening the body. */
export const ISSUE_KINDS = {
  attention: { title: ATTENTION_TITLE, marker: MARKER },
  findings: { title: 'pinwarden: security findings', marker: '<!-- pinwarden:findings -->' },
  /** The organisation's status, in its `.github` repository (or one the operator names). */
  dashboard: {
    title: 'pinwarden: organisation status',
    marker: '<!-- pinwarden:dashboard -->',
    footer: 'pinwarden edits this issue as its runs go; closing it does not stop them.',
  },
} as const;
export type IssueKind = keyof typeof ISSUE_KINDS;
/** Lists are cut to stay far inside GitHub's 65,536-character body limit. */
const MAX_ITEMS = 200;

export type AttentionReport =
  | { readonly kind: 'config-invalid'; readonly configPath: string; readonly problems: readonly string[] }
  | {
      readonly kind: 'files-left-alone';
      readonly files: readonly { readonly path: string; readonly detail: string }[];
    };

/** The open attention issue a repository read found: ours only (marker in the body, by a bot). */
export interface OpenAttentionIssue {
  readonly number: number;
  readonly body: string;
}

export type AttentionDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'create'; readonly title: string; readonly body: string }
  | { readonly kind: 'update'; readonly number: number; readonly body: string }
  | { readonly kind: 'close'; readonly number: number; readonly body: string };

/** Which of pinwarden's issues this open issue is, if it is one (its marker, opened by a bot). */
export function issueKindOf(issue: {
  body: string;
  author: { __typename: string } | null;
  viewerDidAuthor?: boolean;
}): IssueKind | undefined {
  // Another bot's issue with pinwarden's marker is not pinwarden's: only this App's own count.
  if (issue.author?.__typename !== 'Bot' || issue.viewerDidAuthor === false) return undefined;
  return (Object.keys(ISSUE_KINDS) as IssueKind[]).find((kind) => issue.body.startsWith(ISSUE_KINDS[kind].marker));
}

export function decideAttention(
  existing: OpenAttentionIssue | undefined,
  report: AttentionReport | undefined,
): AttentionDecision {
  return decideIssue(
    'attention',
    existing,
    report ? (report.kind === 'config-invalid' ? configLines(report) : leftAloneLines(report)) : undefined,
  );
}

/** Create, edit (only when the lines changed), close, or leave pinwarden's issue of a kind. */
export function decideIssue(
  kind: IssueKind,
  existing: OpenAttentionIssue | undefined,
  lines: readonly string[] | undefined,
): AttentionDecision {
  if (!lines) {
    if (!existing) return { kind: 'none' };
    return {
      kind: 'close',
      number: existing.number,
      body: withinBodyLimit(
        `${existing.body}\n\n---\nResolved: pinwarden's last run found none of this any more, so it closed this issue.`,
      ),
    };
  }
  const body = renderIssue(kind, lines);
  if (!existing) return { kind: 'create', title: ISSUE_KINDS[kind].title, body };
  // Same problems, same fingerprint: a re-run writes nothing.
  return fingerprintOf(existing.body) === fingerprintOf(body)
    ? { kind: 'none' }
    : { kind: 'update', number: existing.number, body };
}

function renderIssue(kind: IssueKind, lines: readonly string[]): string {
  const fingerprint = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  const entry: { marker: string; footer?: string } = ISSUE_KINDS[kind];
  return withinBodyLimit(
    [
      entry.marker,
      `<!-- pinwarden:fingerprint ${fingerprint} -->`,
      ...lines,
      '',
      '---',
      entry.footer ??
        'pinwarden edits this issue when what it says changes and closes it when it is all gone. Comment `/pinwarden pin` here to run it again now.',
    ].join('\n'),
  );
}

function configLines(report: Extract<AttentionReport, { kind: 'config-invalid' }>): string[] {
  return [
    `pinwarden did nothing for this repository: ${inlineCode(report.configPath)} is invalid (or a file it extends is). Fix it and push; pinwarden runs again on that push.`,
    '',
    ...capped(report.problems.map((problem) => `- ${safeMessage(problem)}`)),
  ];
}

function leftAloneLines(report: Extract<AttentionReport, { kind: 'files-left-alone' }>): string[] {
  return [
    'pinwarden found nothing it could pin, but it could not read these files, so references in them were not checked or pinned:',
    '',
    ...capped(
      report.files.map(({ path, detail }) => `- ${inlineCode(path)}: ${safeMessage(detail.split('\n')[0] ?? detail)}`),
    ),
  ];
}

function capped(items: readonly string[]): string[] {
  return items.length <= MAX_ITEMS
    ? [...items]
    : [...items.slice(0, MAX_ITEMS), `- … and ${items.length - MAX_ITEMS} more`];
}

function fingerprintOf(body: string): string | undefined {
  return /<!-- pinwarden:fingerprint ([0-9a-f]{16}) -->/.exec(body)?.[1];
}
