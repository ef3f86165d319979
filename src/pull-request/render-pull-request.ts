// The pull request a reviewer reads: why, a table of every change with links to the tag and
// the commit, what needs a closer look (branch pins, ref confusion), what could not be done and
// why, and what happened to dependabot.yml. Plain strings out; GitHub's limits respected.
import { filesLeftAlone } from '../plan/plan-repository.js';
import type { RepositoryPlan } from '../plan/plan-repository.js';
import { findingsSection } from '../audit/render-findings-markdown.js';
import { imagePins, imagesSection } from './render-images-section.js';
import { signingSection } from './render-signing-section.js';
import type { Finding } from '../audit/types.js';
import { inlineCode, safeMessage, tableCode } from '../markdown/safe-markdown.js';
import { count } from '../report/words.js';
import { withinBodyLimit } from '../markdown/github-limits.js';
import type { PlannedPin } from '../rewrite/types.js';
import type { DependabotNeed } from '../dependabot/types.js';
import { mustStayOnTag } from '../workflow/must-stay-on-tag.js';
import { isRemoteRef } from '../workflow/parse-action-ref.js';
import { DEFAULT_PULL_REQUEST_TITLE } from '../config/pinwarden-config.js';

/** Marks pinwarden's own pull requests and commits. */
export const PR_MARKER = '<!-- pinwarden:pin-actions -->';
export const COMMIT_TRAILER = 'Pinned-by: pinwarden';

/** The signing steps' commit, on top of the pins' (written with `images.propose_signing: true`). */
export const SIGNING_COMMIT_MESSAGE = [
  "Sign the images this repository's workflows push (cosign, keyless)",
  '',
  "Each job that pushes an image signs it by digest with the job's own OIDC token: no key to keep,",
  'and the signature names the workflow that built the image (images.propose_signing).',
  '',
  COMMIT_TRAILER,
].join('\n');
/** GitHub refuses bodies over 65,536 characters; leave room for the footer. */
const BODY_LIMIT = 60_000;

export interface PullRequestText {
  readonly title: string;
  readonly body: string;
  readonly commitMessage: string;
}

/** pinwarden's documentation: the App's homepage (app.yml `url`), whose README anchors the footer links. */
export const DOCS_URL = 'https://github.com/pinwarden/pinwarden';

/** The branch pinwarden's pull request comes from, in every repository. */
export const PIN_BRANCH = 'pinwarden/pin-actions';

export interface RenderInput {
  readonly plan: RepositoryPlan;
  readonly title: string;
  /** `https://github.com`, or an Enterprise host's web address, for links. */
  readonly webUrl: string;
  /** The audit's findings for the repository, said first. */
  readonly findings?: readonly Finding[];
  /** The repository's findings issue, which the findings section links. */
  readonly findingsIssueUrl?: string;
  /** Repositories of this organisation whose called workflows GitHub's SHA policy would refuse: pinned in their own pull requests. */
  readonly calledWorkflows?: readonly { readonly owner: string; readonly repo: string }[];
}

const WHY_TAGS =
  'A tag or a branch can be moved to another commit by anyone who controls the repository it names, ' +
  'and whatever names it runs the new code next time. In March 2026 attackers moved 76 of ' +
  'the 77 version tags of `aquasecurity/trivy-action` to a credential stealer; workflows that named a commit SHA ' +
  'were unaffected, because a commit cannot be changed.';
const WHY_ACTIONS =
  'This pull request pins every action and reusable workflow to the commit its tag or branch names today and keeps the version in a comment';
const WHY_IMAGES = 'pins container images by digest, the tag kept beside it';
const WHY_PRE_COMMIT = 'freezes pre-commit hooks to their commits';
const WHY_DEPENDABOT = 'lets Dependabot propose updates, so upgrades stay a reviewed change';

/** `a`, `a and b`, `a, b and c` (`last` joins the last two). */
function inWords(parts: readonly string[], last: string): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')}${last}${parts.at(-1)}`;
}

/** What the pull request does, in the order it does it: its title (unless the config names one) and its "Why". */
function story(input: RenderInput, counts: { actions: number; images: number; preCommit: number }) {
  const doing = [
    ...(counts.actions > 0 ? ['actions'] : []),
    ...(counts.images > 0 ? ['images'] : []),
    ...(counts.preCommit > 0 ? ['pre-commit'] : []),
  ];
  const dependabot = input.plan.dependabot?.action === 'create' || input.plan.dependabot?.action === 'add-entry';
  const titles: Record<string, string> = {
    actions: 'GitHub Actions to commit SHAs',
    images: 'container images by digest',
    'pre-commit': 'pre-commit hooks to commits',
  };
  const title =
    input.title !== DEFAULT_PULL_REQUEST_TITLE
      ? input.title
      : doing.length > 0
        ? `Pin ${inWords(
            doing.map((what) => titles[what]!),
            ' and ',
          )}`
        : dependabot
          ? 'Keep pinned references current with Dependabot'
          : input.title;
  const parts = [
    ...(counts.actions > 0 ? [WHY_ACTIONS] : []),
    ...(counts.images > 0 ? [counts.actions > 0 ? WHY_IMAGES : `This pull request ${WHY_IMAGES}`] : []),
    ...(counts.preCommit > 0
      ? [counts.actions + counts.images > 0 ? WHY_PRE_COMMIT : `This pull request ${WHY_PRE_COMMIT}`]
      : []),
    ...(dependabot
      ? [doing.length > 0 ? WHY_DEPENDABOT : `This pull request ${WHY_DEPENDABOT} of the pins already here`]
      : []),
  ];
  const sentence = parts.length > 0 ? ` ${inWords(parts, ', and ')}.` : '';
  return { title, why: `${WHY_TAGS}${sentence}` };
}

export function renderPullRequest(input: RenderInput): PullRequestText {
  const { plan } = input;
  const pins = plan.pinned.flatMap((file) =>
    'plan' in file && file.status === 'rewritten'
      ? file.plan.entries.flatMap((entry) => (entry.action === 'pin' ? [{ path: file.path, pin: entry.pin }] : []))
      : [],
  );
  const files = new Set(pins.map((entry) => entry.path)).size;
  const frozen =
    plan.preCommit && 'entries' in plan.preCommit
      ? plan.preCommit.entries.filter((entry) => entry.action === 'pin').length
      : 0;
  const told = story(input, { actions: pins.length, images: imagePins(plan.images).length, preCommit: frozen });
  const sections: string[] = [
    PR_MARKER,
    ...fitRows(findingsSection(input.findings ?? [], input.findingsIssueUrl), 12_000),
    '### Why',
    told.why,
    '',
  ];

  sections.push(...heldSection(plan, input.webUrl));

  const images = imagePins(plan.images);
  if (pins.length > 0)
    sections.push(`### Changes: ${count(pins.length, 'reference')} pinned in ${count(files, 'file')}`);
  if (pins.length > 0) {
    sections.push('', '| File | Line | Before | After |', '| --- | ---: | --- | --- |');
    const rows = pins.map(
      ({ path, pin }) =>
        `| ${tableCode(path)} | ${pin.site.line} | ${tableCode(pin.before)} | ${afterCell(pin, input.webUrl)} |`,
    );
    sections.push(...fitRows(rows, BODY_LIMIT - sections.join('\n').length - 20_000));
  }

  // A refused image the findings above already name is not described twice.
  const said = new Set(
    (input.findings ?? [])
      .filter((finding) => finding.check === 'known-compromised')
      .map((finding) => `${finding.path}:${finding.line}`),
  );
  sections.push(...imagesSection(plan.images, fitRows, said));
  sections.push(...signingSection(plan.signing));
  sections.push(...preCommitSection(plan.preCommit));
  sections.push(...calledWorkflowsSection(input.calledWorkflows ?? [], input.webUrl));

  const repairs = plan.pinned.flatMap((file) =>
    'plan' in file && file.status === 'rewritten'
      ? file.plan.entries.flatMap((entry) =>
          entry.action === 'keep' && entry.comment
            ? [{ path: file.path, line: entry.site.line, uses: entry.site.value, comment: entry.comment }]
            : [],
        )
      : [],
  );
  if (repairs.length > 0) {
    sections.push(
      '',
      `### Version comments corrected: ${count(repairs.length, 'pin')}`,
      'These were already pinned; their comment did not name the pinned commit\u2019s most specific tag (a major tag that moved on, or a tag elsewhere). The commit is unchanged.',
      '',
    );
    sections.push(
      ...fitRows(
        repairs.map(
          ({ path, line, uses, comment }) =>
            `- ${inlineCode(path)} line ${line}, ${inlineCode(uses)}: ${inlineCode(comment.before ?? '')} \u2192 ${inlineCode(comment.after)}`,
        ),
        6_000,
      ),
    );
  }

  const onTag = plan.pinned.flatMap((file) =>
    'plan' in file
      ? file.plan.entries.flatMap((entry) =>
          entry.action === 'keep' && entry.why === 'stays-on-tag' ? [{ path: file.path, entry }] : [],
        )
      : [],
  );
  if (onTag.length > 0) {
    sections.push(
      '',
      '### Left on their tag',
      ...fitRows(
        onTag.map(
          ({ path, entry }) =>
            `- ${inlineCode(path)} line ${entry.site.line}: ${inlineCode(entry.site.value)} ${isRemoteRef(entry.ref) ? safeMessage(`refuses to run from a commit SHA (${mustStayOnTag(entry.ref)?.why ?? 'configured in .github/pinwarden.yml'}), so it stays on its tag; a full version tag (vX.Y.Z) is its pin`) : ''}`,
        ),
        4_000,
      ),
    );
  }

  const branchPins = pins.filter(({ pin }) => pin.refType === 'branch');
  const confused = pins.filter(({ pin }) => pin.ambiguous);
  const trusted = pins.flatMap(({ path, pin }) => (pin.trust ?? []).map((verdict) => ({ path, pin, verdict })));
  if (branchPins.length > 0 || confused.length > 0 || trusted.length > 0) {
    sections.push('', '### Review these');
    sections.push(
      ...fitRows(
        trusted.map(
          ({ path, pin, verdict }) =>
            `- ${inlineCode(path)} line ${pin.site.line}: ${inlineCode(pin.before)}, ${verdict.check} (${verdict.severity}): ${safeMessage(verdict.message)}`,
        ),
        6_000,
      ),
    );
    for (const { path, pin } of branchPins) {
      sections.push(
        `- ${inlineCode(path)} line ${pin.site.line}: ${inlineCode(pin.before)} names a **branch**; it is pinned to the branch head of today, which no release vouches for. Prefer a release tag if the action has one.`,
      );
    }
    for (const { path, pin } of confused) {
      sections.push(
        `- ${inlineCode(path)} line ${pin.site.line}: ${inlineCode(pin.ref.ref)} is both a tag and a branch of ${inlineCode(`${pin.ref.owner}/${pin.ref.repo}`)}; the tag's commit was used, as GitHub Actions does. Check that this is the commit you meant.`,
      );
    }
  }

  const unpinned = plan.pinned.flatMap((file) =>
    'plan' in file
      ? file.plan.entries.flatMap((entry) =>
          entry.action === 'skip' && !entry.held ? [{ path: file.path, entry }] : [],
        )
      : [],
  );
  if (unpinned.length > 0) {
    sections.push('', '### Left as they are');
    sections.push(
      ...fitRows(
        unpinned.map(
          ({ path, entry }) =>
            `- ${inlineCode(path)} line ${entry.site.line}: ${inlineCode(entry.site.value || '(empty)')}: ${safeMessage(entry.reason)}`,
        ),
        8_000,
      ),
    );
  }

  const problems = filesLeftAlone(plan).map(({ path, why, detail }) =>
    why === 'unparseable'
      ? `- ${inlineCode(path)}: not changed, pinwarden cannot read it: ${safeMessage(firstLine(detail))}`
      : why === 'rejected'
        ? `- ${inlineCode(path)}: not changed, the rewrite did not verify: ${safeMessage(detail)}`
        : `- ${inlineCode(path)}: not read: ${safeMessage(detail)}`,
  );
  if (problems.length > 0) sections.push('', '### Files left alone', ...fitRows(problems, 6_000));
  if (plan.ignoredPaths.length > 0)
    sections.push(
      '',
      `Ignored by \`.github/pinwarden.yml\`: ${plan.ignoredPaths.map((path) => inlineCode(path)).join(', ')}.`,
    );
  if (plan.ignoreBudgetSpent)
    sections.push(
      '',
      '`ignore.paths` in `.github/pinwarden.yml` took too long to match against this repository\u2019s files, so the files after that were not ignored. Use fewer or simpler globs (a `*` followed by a long run of literal text against deep folders is what costs).',
    );
  for (const { path, generator } of plan.generated ?? [])
    sections.push(
      '',
      `${inlineCode(path)} is generated by ${inlineCode(generator)} and says not to edit it: a pin written here would not match its source, and the next run of the generator would overwrite it. Left as it is; change it where it is generated from${generator === 'gh-aw' ? ' (`gh aw compile`)' : ''}${plan.dependabot?.action === 'create' || (plan.dependabot?.action === 'add-entry' && plan.dependabot.excludePathsAdded?.includes(path)) ? '. Dependabot is told to leave it too (`exclude-paths`)' : ''}.`,
    );
  if ((plan.lockedPaths ?? []).length > 0) {
    sections.push(
      '',
      `Onboarded to \`.github/workflows/actions.lock\`, so left as they are (the lockfile's keys are the \`uses:\` values as written; changing one breaks the run, and \`gh actions-lock\` regenerates the file, never pinwarden): ${plan.lockedPaths!.map((path) => inlineCode(path)).join(', ')}. The commits the lockfile records are audited instead.`,
    );
  }

  if (plan.dependabot) sections.push('', '### Dependabot', dependabotLine(plan.dependabot));
  sections.push(
    '',
    '---',
    `Opened by pinwarden. To leave a reference as it is, end its line with \`# pinwarden:ignore\`, or list it under \`ignore\` in \`.github/pinwarden.yml\` (where the title, labels, schedule and images are set too: [configuration](${DOCS_URL}#configuration-githubpinwardenyml)). To undo a pin, revert its line: the pinned commit is what the tag named today. Comment \`/pinwarden pin\` to run it again; closing this pull request stops updates until then. [How pinwarden decides](${DOCS_URL}#pin-time-trust-never-pin-an-attack-in-progress).`,
  );

  const commitMessage = [
    told.title,
    '',
    ...pins.slice(0, 200).map(({ path, pin }) => `${path}:${pin.site.line} ${pin.before} -> ${pin.after}`),
    ...(pins.length > 200 ? [`… and ${pins.length - 200} more`] : []),
    ...images
      .slice(0, 200)
      .map(({ path, entry }) => `${path}:${entry.located.site.line} ${entry.located.site.written} -> ${entry.after}`),
    ...(images.length > 200 ? [`… and ${images.length - 200} more images`] : []),
    '',
    COMMIT_TRAILER,
  ].join('\n');
  return { title: told.title, body: withinBodyLimit(sections.join('\n')), commitMessage };
}

function dependabotLine(plan: NonNullable<RepositoryPlan['dependabot']>): string {
  const entries = (needs: readonly DependabotNeed[]) =>
    needs
      .map(
        (need) =>
          `${inlineCode(need.ecosystem)}${need.ecosystem === 'github-actions' && need.directories.length === 1 ? '' : ` (${need.directories.map((directory) => inlineCode(directory)).join(', ')})`}`,
      )
      .join(', ');
  const present =
    'present' in plan && plan.present.length > 0
      ? ` It already has ${plan.present.map((ecosystem) => inlineCode(ecosystem)).join(', ')} ${plan.present.length === 1 ? 'an entry' : 'entries'}, left as ${plan.present.length === 1 ? 'it is' : 'they are'}.`
      : '';
  switch (plan.action) {
    case 'create':
      return `Adds ${inlineCode(plan.path)} with ${plan.added.length === 1 ? `a weekly ${entries(plan.added)} entry` : `weekly entries for ${entries(plan.added)}`}, so Dependabot proposes new versions of these pins (the SHA or digest and the version beside it, together).`;
    case 'add-entry': {
      const folders = plan.directoriesAdded?.length
        ? `Adds ${plan.directoriesAdded.map((folder) => inlineCode(folder)).join(', ')} to the folders of its ${inlineCode('github-actions')} entry: Dependabot reads a composite action's ${inlineCode('action.yml')} only in a folder it is given, so these pins would never be updated otherwise.`
        : '';
      const added = plan.added.length
        ? `Adds ${plan.added.length === 1 ? 'a ' : ''}${entries(plan.added)} ${plan.added.length === 1 ? 'entry' : 'entries'} to ${inlineCode(plan.path)}; the rest of the file is unchanged.${present}`
        : '';
      const excluded = plan.excludePathsAdded?.length
        ? `Adds ${plan.excludePathsAdded.map((path) => inlineCode(path)).join(', ')} to its ${inlineCode('exclude-paths')}: a generator owns ${plan.excludePathsAdded.length === 1 ? 'that workflow' : 'those workflows'}.`
        : '';
      return [folders, excluded, added].filter(Boolean).join(' ');
    }
    case 'present':
      if (plan.directoriesNote)
        return `${inlineCode(plan.path)} has a ${inlineCode('github-actions')} entry, but it lacks the folders of the composite actions pinned here and pinwarden did not add them (${safeMessage(plan.directoriesNote)}): list each folder holding an ${inlineCode('action.yml')} under its ${inlineCode('directories')}.`;
      return plan.present.length === 1
        ? `${inlineCode(plan.path)} already has a ${inlineCode(plan.present[0]!)} entry; it will keep these pins current.`
        : `${inlineCode(plan.path)} already has ${plan.present.map((ecosystem) => inlineCode(ecosystem)).join(', ')} entries; they will keep these pins current.`;
    case 'unable':
      return `${inlineCode(plan.path)} was not changed: ${safeMessage(plan.reason)}.`;
  }
}

function afterCell(pin: PlannedPin, webUrl: string): string {
  const repository = `${webUrl}/${pin.ref.owner}/${pin.ref.repo}`;
  const commit = `[${tableCode(pin.after)}](${repository}/commit/${pin.sha})`;
  const tag = pin.tag ? ` [${tableCode(pin.tag)}](${repository}/releases/tag/${urlSegment(pin.tag)})` : '';
  const branch = pin.refType === 'branch' ? ' **branch head**' : '';
  const immutable = pin.immutable ? ' (immutable release)' : '';
  const instead = pin.insteadOf ? ` (not ${tableCode(pin.insteadOf)}: too new)` : '';
  return `${commit}${tag}${immutable}${instead}${branch}`;
}

/**
 * References pin-time trust would not write: what, why, the evidence to check, and what to do.
 * Above the table, because a held reference is the one that needs a person today.
 */
function heldSection(plan: RepositoryPlan, webUrl: string): string[] {
  const held = plan.pinned.flatMap((file) =>
    'plan' in file
      ? file.plan.entries.flatMap((entry) =>
          entry.action === 'skip' && entry.held ? [{ path: file.path, entry, verdicts: entry.held }] : [],
        )
      : [],
  );
  if (held.length === 0) return [];
  const rows = held.map(({ path, entry, verdicts }) => {
    const why = verdicts.map((verdict) => {
      const repository = String(verdict.evidence.repository ?? '');
      const commit = String(verdict.evidence.commit ?? '');
      const link =
        /^[^/\s]+\/[^/\s]+$/.test(repository) && /^[0-9a-f]{40}$/.test(commit)
          ? ` ([the commit](${webUrl}/${repository.split('/').map(urlSegment).join('/')}/commit/${commit}))`
          : '';
      return `**${verdict.check}** (${verdict.severity}): ${safeMessage(verdict.message)}${link}`;
    });
    return `- ${inlineCode(path)} line ${entry.site.line}, ${inlineCode(entry.site.value)}: ${why.join(' ')}`;
  });
  return [
    `### Held back: ${count(held.length, 'reference')} not pinned`,
    'pinwarden did not write these: the commit each tag names **now** has the shape of a hijacked release, and a pin written during an attack keeps the malware after the maintainers restore their tags. The lines are left as they are.',
    '',
    ...fitRows(rows, 10_000),
    '',
    'What to do: wait for the action\u2019s maintainers to say what happened (their security advisories and issues); if you know the last good release, pin it by hand (`uses: owner/repo@<its commit> # vX.Y.Z`); put `# pinwarden:ignore` on the line to stop pinwarden asking. The next run pins these once the tags name commits that pass.',
    '',
  ];
}

/** A tag name as one URL path segment: nothing in it can end the link's destination. */
function urlSegment(text: string): string {
  return encodeURIComponent(text).replace(/[()!'*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Keeps whole rows while they fit in `budget` characters, then says how many were left out. */
function fitRows(rows: readonly string[], budget: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const row of rows) {
    if (used + row.length + 1 > Math.max(budget, 2_000)) {
      kept.push(
        `\n… and ${rows.length - kept.length} more, not listed here to stay within GitHub's size limit; the diff has them all.`,
      );
      break;
    }
    kept.push(row);
    used += row.length + 1;
  }
  return kept;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** pre-commit's hooks: each rev frozen to its commit, and what was left with the reason. */
function preCommitSection(pinned: RepositoryPlan['preCommit']): string[] {
  if (!pinned || !('entries' in pinned)) return [];
  const pins = pinned.entries.flatMap((entry) => (entry.action === 'pin' ? [entry] : []));
  const skipped = pinned.entries.flatMap((entry) => (entry.action === 'skip' ? [entry] : []));
  if (pins.length === 0 && skipped.length === 0) return [];
  return [
    '',
    `### pre-commit hooks: ${count(pins.length, 'rev')} frozen to a commit`,
    'A hook\u2019s `rev:` is a tag, and a tag can be moved: each is pinned to the commit it names, in the form `pre-commit autoupdate --freeze` writes, which Dependabot\u2019s `pre-commit` ecosystem keeps current.',
    ...pins.map(
      (pin) =>
        `- ${inlineCode(`${pin.hook.owner}/${pin.hook.repo}`)} line ${pin.hook.rev.line}: ${inlineCode(pin.hook.rev.value)} \u2192 ${inlineCode(pin.after)}`,
    ),
    ...skipped.map(
      (entry) =>
        `- ${inlineCode(`${entry.hook.owner}/${entry.hook.repo}`)} line ${entry.hook.rev.line}: ${inlineCode(entry.hook.rev.value)} left as it is: ${safeMessage(entry.reason)}`,
    ),
  ];
}

/** Called workflows of the organisation that hold references the SHA policy refuses, and where they get pinned. */
function calledWorkflowsSection(called: NonNullable<RenderInput['calledWorkflows']>, webUrl: string): string[] {
  if (called.length === 0) return [];
  return [
    '',
    '### Called workflows',
    'GitHub\u2019s \u201crequire full-length commit SHA\u201d policy also refuses a run on a tag or a branch inside the reusable workflows it calls. These repositories of the organisation hold such references; pinwarden pins each in a pull request of its own (where it is installed), and this repository\u2019s pin of the workflow can move to that commit once it merges:',
    ...called.map(
      ({ owner, repo }) =>
        `- ${inlineCode(`${owner}/${repo}`)}: [its pinning pull request](${webUrl}/${urlSegment(owner)}/${urlSegment(repo)}/pulls?q=is%3Apr+head%3A${encodeURIComponent(PIN_BRANCH)})`,
    ),
  ];
}
