// The pull-request check at GitHub's edge: the pull request's files list (one request for up to
// 100 files), their texts at the head and the default branch's config in one GraphQL query, the
// audit of the lines the pull request wrote (through the installation's caches), and one check run
// holding the annotations (50 per request; more go in updates). "Pin them" comes back as
// `check_run.requested_action`: the same reading at the run's head commit, the fix planned, one
// signed commit pushed to the pull request's branch, refused by GitHub if the branch moved.
import type { Logger } from 'pino';
import type { AuditFacts } from '../audit/audit-facts.js';
import { auditFiles } from '../audit/audit-files.js';
import { touchedLines } from '../check/changed-lines.js';
import type { TouchedLines } from '../check/changed-lines.js';
import { conclusionOf, imagesOnLines, planFix, touchedReferences, weighForCheck } from '../check/plan-check.js';
import type { CheckedImageFile, CheckedWorkflow, FileFix } from '../check/plan-check.js';
import { renderCheck } from '../check/render-check.js';
import { isIgnoredAction } from '../config/pinwarden-config.js';
import type { PinwardenConfig } from '../config/pinwarden-config.js';
import { globMatcher } from '../config/glob.js';
import { gateFailuresOf } from '../plan/gate-files.js';
import { gateImage } from '../gate/gate.js';
import { auditImages } from '../audit/audit-images.js';
import {
  chartYamlOf,
  folderOf,
  imagePathsAmong,
  isValuesFileName,
  looksLikeKubernetes,
} from '../images/image-file-kind.js';
import { imagesToResolve } from '../images/plan-images.js';
import { locateImageFile } from '../images/locate-image-file.js';
import type { ImageFile } from '../images/types.js';
import type { IgnoreRef } from '../workflow/types.js';
import type { ImageKey, ImageResolution } from '../images/image-digests.js';
import { readImageSignatures } from '../images/pin-images.js';
import type { SignatureFacts, SignatureKey } from '../images/signatures.js';
import { isTouched } from '../check/changed-lines.js';
import type { RefResolver } from '../resolve/types.js';
import { collectRefRequests } from '../plan/plan-pins.js';
import { fileKindOf } from '../workflow/file-kind.js';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { GitHubClient } from '../github/github-client.js';
import { inlineCode } from '../markdown/safe-markdown.js';
import { withinBodyLimit } from '../markdown/github-limits.js';
import { judgeAll } from '../plan/pin-files.js';
import type { PinTrust } from '../trust/pin-trust.js';
import { trustPolicyOf } from '../config/pinwarden-config.js';
import type { LoadConfig } from '../github/load-config.js';
import { CONFIG_PATH } from '../github/load-config.js';
import type { ImageResolverFor } from './repository-images.js';
import { readObjects } from '../github/read-image-files.js';
import { branchHead, pullRequestFiles, sayOnCheckRun, writeCheckRun } from '../github/check-runs.js';
import { commitFiles } from '../github/write-pull-request.js';
import { appVersionOf } from '../images/chart-app-version.js';

/** Files of one pull request the check reads; a larger one is checked on its first files and says so. */
export const MAX_CHECKED_FILES = 100;
/** A check run's summary and text: 65,535 characters each. */
const CHECK_TEXT_LIMIT = 65_535;
/** GitHub's list of a pull request's files stops at 3,000 entries. */
const MAX_LISTED_FILES = 3_000;

export interface CheckDeps {
  readonly github: GitHubClient;
  readonly resolver: RefResolver;
  readonly auditFacts: AuditFacts;
  /** Pin-time trust: a held line is neither suggested nor pushed. */
  readonly trust?: PinTrust;
  readonly imageResolverFor?: ImageResolverFor | undefined;
  readonly loadConfig: LoadConfig;
  readonly log: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

export interface CheckTarget {
  readonly owner: string;
  readonly name: string;
  readonly pullNumber: number;
  readonly headSha: string;
  /** The pull request's branch in this repository; undefined for a fork's. */
  readonly headRef: string | undefined;
}

interface ChangedFiles {
  readonly workflows: CheckedWorkflow[];
  readonly images: CheckedImageFile[];
  readonly config: PinwardenConfig | undefined;
  readonly configProblems: readonly string[];
  readonly notes: string[];
  /** Changed files the check could not read in full (too many, too large, not text): it cannot pass them. */
  readonly unread: readonly { readonly path: string; readonly why: string }[];
  /** No workflow, action or image file changed. */
  readonly nothingToCheck?: boolean;
}

/** The pull request's changed workflow, action and image files at its head, with the lines it wrote. */
async function readChangedFiles(deps: CheckDeps, target: CheckTarget): Promise<ChangedFiles> {
  const { github } = deps;
  const listed = await pullRequestFiles(github, target);
  const candidates = listed
    .filter((file) => file.status !== 'removed')
    .flatMap((file) => {
      const kind = fileKindOf(file.filename) ?? imagePathsAmong([file.filename])[0]?.kind;
      return kind ? [{ path: file.filename, kind, touched: touchedLines(file) }] : [];
    });
  // Nothing to read: the check passes at once (so it can be required), without a second request.
  if (candidates.length === 0)
    return {
      workflows: [],
      images: [],
      config: undefined,
      configProblems: [],
      notes: [],
      unread: [],
      nothingToCheck: true,
    };
  const notes: string[] = [];
  const unread: { path: string; why: string }[] = candidates
    .slice(MAX_CHECKED_FILES)
    .map((file) => ({ path: file.path, why: `beyond the ${MAX_CHECKED_FILES} files a check reads` }));
  // GitHub lists at most 3,000 files of a pull request: past that, what else changed is not known.
  if (listed.length >= MAX_LISTED_FILES)
    unread.push({
      path: `(files past the first ${MAX_LISTED_FILES})`,
      why: 'GitHub lists no more files of a pull request',
    });
  const checked = candidates.slice(0, MAX_CHECKED_FILES);
  // A values file is a chart's when a Chart.yaml sits beside it at the head.
  const chartOf = (path: string) => `${target.headSha}:${chartYamlOf(folderOf(path))}`;
  const charts = checked
    .filter((file) => file.kind === 'maybe-kubernetes' && isValuesFileName(file.path))
    .map((file) => chartOf(file.path));
  // The config comes from the default branch: a pull request cannot exempt its own lines.
  const objects = await readObjects(github, { owner: target.owner, name: target.name }, [
    `HEAD:${CONFIG_PATH}`,
    ...checked.map((file) => `${target.headSha}:${file.path}`),
    ...new Set(charts),
  ]);
  const configText = objects.get(`HEAD:${CONFIG_PATH}`)?.text ?? undefined;
  const config = await deps.loadConfig(github, target.owner, target.name, configText);
  const ignored = globMatcher(config.ok ? config.config.ignore.paths : []);
  const imagesOn = config.ok && config.config.images.enabled && deps.imageResolverFor !== undefined;
  const workflows: CheckedWorkflow[] = [];
  const images: CheckedImageFile[] = [];
  for (const file of checked) {
    if (ignored.matches(file.path)) continue;
    const blob = objects.get(`${target.headSha}:${file.path}`);
    if (!blob || blob.text === null || blob.text === undefined || blob.isTruncated) {
      unread.push({
        path: file.path,
        why: blob?.isTruncated ? 'larger than GitHub gives in one read' : blob ? 'not text' : 'not found at the head',
      });
      continue;
    }
    const text = blob.text;
    if (file.kind === 'maybe-kubernetes' && isValuesFileName(file.path) && objects.get(chartOf(file.path))) {
      // A chart's values: its images are checked; "Pin them" leaves them to the pinning pull request, which reads the templates.
      if (imagesOn) {
        const appVersion = appVersionOf(objects.get(chartOf(file.path))?.text ?? undefined);
        const values = {
          path: file.path,
          kind: 'helm-values' as const,
          text,
          ...(appVersion !== undefined ? { appVersion } : {}),
        };
        images.push(checkedImageFile(values, file.touched));
      }
      continue;
    }
    if (file.kind === 'workflow' || file.kind === 'action') {
      const located = locateUsesSites(text, file.kind);
      workflows.push({ path: file.path, kind: file.kind, text, located, touched: file.touched });
      if (imagesOn)
        images.push(checkedImageFile({ path: file.path, kind: file.kind, text, uses: located }, file.touched));
    } else if (imagesOn && file.kind !== 'helm-values') {
      const kind =
        file.kind === 'maybe-kubernetes' ? (looksLikeKubernetes(text) ? 'kubernetes' : undefined) : file.kind;
      if (kind) images.push(checkedImageFile({ path: file.path, kind, text }, file.touched));
    }
  }
  if (unread.length > 0)
    notes.push(
      `Not read in full, so this check cannot pass them: ${unread
        .slice(0, 20)
        .map((file) => `${inlineCode(file.path)} (${file.why})`)
        .join(', ')}${unread.length > 20 ? ` and ${unread.length - 20} more` : ''}.`,
    );
  return {
    workflows,
    images,
    config: config.ok ? config.config : undefined,
    configProblems: config.ok ? [] : config.problems,
    notes,
    unread,
  };
}

function checkedImageFile(file: ImageFile, touched: TouchedLines): CheckedImageFile {
  return { ...file, touched, located: locateImageFile(file) };
}

/** Runs the check and writes its check run. */
export async function runCheck(
  deps: CheckDeps,
  target: CheckTarget,
): Promise<{ conclusion: string; checkRunId: number; blamed: number }> {
  const { github } = deps;
  const changed = await readChangedFiles(deps, target);
  if (changed.nothingToCheck)
    return writeCheckRun(
      github,
      target,
      'success',
      renderCheck({
        findings: [],
        conclusion: 'success',
        fixes: [],
        untouchedUnpinned: 0,
        fork: false,
        checkedFiles: 0,
      }),
      false,
      0,
    );
  const config = changed.config;
  if (!config) {
    return writeCheckRun(
      github,
      target,
      'neutral',
      {
        title: `${CONFIG_PATH} is invalid`,
        summary: [
          "pinwarden did not check this pull request: the default branch's config is invalid.",
          '',
          ...changed.configProblems.map((problem) => `- ${problem}`),
        ].join('\n'),
        text: undefined,
        annotations: [],
      },
      false,
      0,
    );
  }
  const touchedOf = touchedIndex(changed);
  const ignore = (ref: Parameters<typeof isIgnoredAction>[1]) => isIgnoredAction(config, ref);
  const audited = changed.workflows.map((file) => ({
    path: file.path,
    text: file.text,
    located: file.located.ok ? { ok: true as const, references: touchedReferences(file) } : file.located,
  }));
  const report = await auditFiles(audited, deps.auditFacts, undefined, {
    staysOnTag: config.must_stay_on_tag,
    ...(deps.trust ? { trust: { trust: deps.trust, policy: trustPolicyOf(config) } } : {}),
  });
  const imageFindings = changed.images.flatMap((file) => auditImages(file.path, imagesOnLines(file, true), new Map()));
  const findings = weighForCheck([...report.findings, ...imageFindings], touchedOf);
  // What was not read is never passed: success becomes neutral, and the summary names the files.
  const judged = conclusionOf(findings, config.check.conclusion);
  const conclusion = judged === 'success' && changed.unread.length > 0 ? 'neutral' : judged;
  const fork = target.headRef === undefined;
  // The pins the table shows (the audit above resolved these refs, so the cache answers): a fork
  // gets them as replacement lines; a branch here gets the button, which pushes them when pressed.
  const unpinnable = new Map<string, string>();
  const fixes =
    conclusion !== 'success'
      ? await fixFor(deps, changed, config, ignore, (path, line, reason) => unpinnable.set(`${path}:${line}`, reason))
      : [];
  const untouchedUnpinned =
    changed.workflows.flatMap((file) =>
      gateFailuresOf(file, ignore).filter(
        (failure) => failure.line !== undefined && !isTouched(file.touched, failure.line),
      ),
    ).length +
    changed.images.flatMap((file) => imagesOnLines(file, false).filter((image) => !gateImage(image).passes)).length;
  const text = renderCheck({
    findings,
    conclusion,
    fixes,
    unpinnable,
    untouchedUnpinned,
    fork,
    checkedFiles:
      changed.workflows.length +
      changed.images.filter((file) => file.kind !== 'workflow' && file.kind !== 'action').length,
  });
  const withNotes =
    changed.notes.length > 0
      ? { ...text, summary: withinBodyLimit(`${text.summary}\n\n${changed.notes.join('\n')}`, CHECK_TEXT_LIMIT) }
      : text;
  deps.log.info({ pull: target.pullNumber, conclusion, blamed: text.annotations.length }, `check: ${conclusion}`);
  return writeCheckRun(github, target, conclusion, withNotes, !fork && fixes.length > 0, text.annotations.length);
}

function touchedIndex(changed: ChangedFiles): (path: string) => TouchedLines {
  const byPath = new Map<string, TouchedLines>(
    [...changed.workflows, ...changed.images].map((file) => [file.path, file.touched]),
  );
  return (path) => byPath.get(path) ?? new Set();
}

/** The flagged lines pinned: refs resolved through the installation's cache, images through the registry. */
async function fixFor(
  deps: CheckDeps,
  changed: ChangedFiles,
  config: PinwardenConfig,
  ignore: IgnoreRef,
  onUnpinnable?: (path: string, line: number, reason: string) => void,
): Promise<FileFix[]> {
  const references = changed.workflows.flatMap(touchedReferences);
  const resolutions = await deps.resolver.resolve(collectRefRequests(references, ignore));
  const judgements = deps.trust
    ? await judgeAll(
        { trust: deps.trust, policy: trustPolicyOf(config) },
        { references, resolutions, ignore, staysOnTag: config.must_stay_on_tag },
      )
    : undefined;
  const imageResolver = deps.imageResolverFor?.(config.images.mirrors);
  const touchedImages = changed.images.flatMap((file) => imagesToResolve(imagesOnLines(file, true)));
  const imageResolutions: Map<ImageKey, ImageResolution> =
    imageResolver?.ok && touchedImages.length > 0
      ? await imageResolver.resolver.resolve(touchedImages.map((image) => image.image))
      : new Map();
  // "Pin them" never writes a digest `images.verify` refuses (its signatures read only when rules ask).
  const imageSignatures =
    config.images.verify.length > 0 && imageResolver?.ok
      ? await readImageSignatures([{ ok: true, images: touchedImages }], imageResolutions, imageResolver.resolver)
      : new Map<SignatureKey, SignatureFacts>();
  return planFix({
    ...(onUnpinnable ? { onUnpinnable } : {}),
    workflows: changed.workflows,
    images: changed.images,
    resolutions,
    imageResolutions,
    imageSignatures: { facts: imageSignatures, rules: config.images.verify },
    ignore,
    staysOnTag: config.must_stay_on_tag,
    ...(judgements ? { judgements } : {}),
  });
}

export type FixOutcome =
  | { readonly status: 'pushed'; readonly commit: string; readonly files: number }
  | { readonly status: 'nothing' }
  | { readonly status: 'moved' }
  | { readonly status: 'refused'; readonly why: string };

/** "Pin them": the flagged lines pinned in one commit on the pull request's branch, at the run's head. */
export async function applyCheckFix(
  deps: CheckDeps,
  target: CheckTarget & { readonly checkRunId: number },
): Promise<FixOutcome> {
  const { github } = deps;
  if (!target.headRef)
    return { status: 'refused', why: 'the pull request comes from a fork, where pinwarden cannot push' };
  const changed = await readChangedFiles(deps, target);
  if (changed.nothingToCheck) return { status: 'nothing' };
  if (!changed.config) return { status: 'refused', why: `${CONFIG_PATH} is invalid` };
  const config = changed.config;
  const fixes = await fixFor(deps, changed, config, (ref) => isIgnoredAction(config, ref));
  const repo = { owner: target.owner, repo: target.name };
  // Once pushed (or found done), the button goes: pressing it again could only say the branch moved.
  const say = (title: string, summary: string, done = false) => sayOnCheckRun(github, target, { title, summary }, done);
  if (fixes.length === 0) {
    await say(
      'Nothing pinwarden can pin',
      'None of the flagged lines could be pinned (see the reasons in the annotations of the last run).',
    );
    return { status: 'nothing' };
  }
  const lines = fixes.reduce((sum, fix) => sum + fix.lines.size, 0);
  try {
    const commit = await commitFiles(github, {
      owner: target.owner,
      name: target.name,
      branch: target.headRef,
      expectedHeadOid: target.headSha,
      message: `Pin ${lines === 1 ? 'the line' : `${lines} lines`} pinwarden flagged\n\n${fixes.map((fix) => `${fix.path}: lines ${[...fix.lines.keys()].join(', ')}`).join('\n')}\n\nPinned-by: pinwarden`,
      changes: fixes.map(({ path, text }) => ({ path, text })),
    });
    await say(
      'Pinned',
      `pinwarden pushed ${commit.slice(0, 12)} to ${inlineCode(target.headRef)}, pinning ${lines === 1 ? 'one line' : `${lines} lines`}; the check runs again on that commit.`,
      true,
    );
    return { status: 'pushed', commit, files: fixes.length };
  } catch (error) {
    const type = (error as { errors?: { type?: string }[] }).errors?.[0]?.type;
    if (type !== 'STALE_DATA') throw error;
    // Pressed twice, or after the pull request moved on: pinned already, or really moved?
    const current = await branchHead(github, repo, target.headRef);
    if (current === undefined) {
      await say(
        'The branch is gone',
        `${inlineCode(target.headRef)} no longer exists (merged and deleted, or closed), so there is nothing to pin here.`,
        true,
      );
      return { status: 'nothing' };
    }
    const left = await fixFor(deps, await readChangedFiles(deps, { ...target, headSha: current }), config, (ref) =>
      isIgnoredAction(config, ref),
    );
    if (left.length === 0) {
      await say(
        'Already pinned',
        `The branch's head, ${current.slice(0, 12)}, has none of the lines this check flagged left to pin; its own check says the rest.`,
        true,
      );
      return { status: 'nothing' };
    }
    await say(
      'The branch moved',
      'Someone pushed to this branch after this check ran, so pinwarden did not push; the check of the new commit offers the button again.',
    );
    return { status: 'moved' };
  }
}
