// `pinwarden pin`: resolves every tag and branch to its commit and rewrites files in place
// (or, with --dry-run, prints what it would change).
import { writeFile } from 'node:fs/promises';
import { pinFiles, pinnedAsImageFile, referencesAsPinned } from '../plan/pin-files.js';
import type { PinnedFile } from '../plan/pin-files.js';
import { describeImageEntry, describePlanEntry } from '../report/describe-plan.js';
import { auditFiles } from '../audit/audit-files.js';
import { renderFindingsText } from '../audit/render-findings.js';
import { isSerious } from '../audit/types.js';
import { gateFailuresAfterPinning, imageGateFailuresAfterPinning } from '../plan/gate-files.js';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { IgnoreRef } from '../workflow/types.js';
import { count, printable } from '../report/words.js';
import { jsonWithList } from '../report/json-text.js';
import { isFullSha } from '../common/commit-sha.js';
import { collectRefRequests } from '../plan/plan-pins.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { readLocalFiles } from './read-local-files.js';
import { NOTHING_TO_RESOLVE, chooseAuditFacts, cliTrust } from './resolver-option.js';
import { chooseImageResolver } from './image-resolver-option.js';
import type { ImageResolverOption } from './image-resolver-option.js';
import { auditImages, imagesAfterPinning } from '../audit/audit-images.js';
import { pinImageFiles } from '../images/pin-images.js';
import type { PinnedImageFile } from '../images/pin-images.js';
import type { ImageFile } from '../images/types.js';
import { trustFindings } from '../plan/trust-findings.js';
import { generatorOf } from '../workflow/generated.js';
import { freezePreCommit } from '../pre-commit/pin-pre-commit.js';

export interface PinOptions extends ImageResolverOption {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json';
  readonly dryRun: boolean;
  /** Resolve from refs data on disk instead of the GitHub API (offline, reproducible). */
  readonly refsDir: string | undefined;
  /** GitHub's API, or GitHub Enterprise's `https://HOST/api/v3`. */
  readonly apiUrl: string;
  readonly ignore?: IgnoreRef;
  /** Releases younger than this many days are not pinned from a floating ref (`pin.min_release_age_days`). */
  readonly minReleaseAgeDays?: number;
}

export async function pinCommand(options: PinOptions, io: CliIo): Promise<number> {
  const { files: read, imageFiles, notes, lockfiles, preCommits } = await readLocalFiles(options.paths, io.cwd);
  // Workflows onboarded to actions.lock are left as they are: the lockfile's keys are their `uses:`.
  // Workflows a generator owns are left too: the next run of the generator would overwrite a pin.
  const generators = read.map((file) => generatorOf(file.text));
  const generated = read.flatMap((file, index) => (generators[index] ? [`${file.path} (${generators[index]})`] : []));
  const files = read.filter((file, index) => !file.locked && generators[index] === undefined);
  const locked = read.filter((file) => file.locked).map((file) => file.path);
  if (generated.length > 0)
    notes.push(`left as they are, generated (change them where they are generated from): ${generated.join(', ')}`);
  if (locked.length > 0)
    notes.push(
      `left as they are, onboarded to ${lockfiles.map((lockfile) => lockfile.path).join(', ')} (regenerate it with gh actions-lock): ${locked.join(', ')}`,
    );
  const requests = collectRefRequests(
    files.flatMap((file) => (file.located.ok ? file.located.references : [])),
    options.ignore,
  );
  // Nothing to resolve (all pinned, or nothing remote) and no way to ask: no token demanded, no
  // Octokit loaded; the pinned commits are then not confirmed, and that is said.
  const nothingToResolve = requests.every((request) => isFullSha(request.ref));
  const canAsk = options.refsDir !== undefined || Boolean(io.env.GITHUB_TOKEN);
  const resolver = nothingToResolve && !canAsk ? NOTHING_TO_RESOLVE : await chooseAuditFacts(options, io.env);
  if (nothingToResolve && !canAsk && requests.length > 0)
    notes.push(`${count(requests.length, 'pinned commit')} not confirmed to exist (no GITHUB_TOKEN or --refs)`);
  const trust = cliTrust(resolver, io.env, options.minReleaseAgeDays);
  const results = await pinFiles(files, resolver, options.ignore, trust ? { trust } : {});
  // Images next, in the same files as they now read (workflows after their actions were pinned) and in every image file.
  const imageInputs: ImageFile[] = [
    ...results.flatMap((result, index) => pinnedAsImageFile(result, files[index]!) ?? []),
    ...imageFiles,
  ];
  const absolutePathOf = new Map([...files, ...imageFiles].map((file) => [file.path, file.absolutePath]));
  const images = await pinImageFiles(imageInputs, await chooseImageResolver(options, io.env));
  const finalText = new Map<string, string>();
  for (const result of results) if (result.status === 'rewritten') finalText.set(result.path, result.text);
  for (const image of images.files) if (image.status === 'rewritten') finalText.set(image.path, image.text);
  // pre-commit's hooks from GitHub: each rev frozen to its commit, as `pre-commit autoupdate --freeze` writes it.
  const hooks = await Promise.all(
    preCommits.map(async (config) => ({
      path: config.path,
      pinned: await freezePreCommit(config.text, resolver),
    })),
  );
  for (const [index, { path, pinned }] of hooks.entries()) {
    if (pinned.status === 'rewritten') {
      finalText.set(path, pinned.text);
      absolutePathOf.set(path, preCommits[index]!.absolutePath);
    }
    for (const entry of 'entries' in pinned ? pinned.entries : [])
      if (entry.action === 'skip')
        notes.push(`${path}:${entry.hook.rev.line} ${entry.hook.rev.value} left as it is: ${entry.reason}`);
    if (pinned.status === 'unreadable' || pinned.status === 'rejected')
      notes.push(`${path}: not changed: ${pinned.status === 'unreadable' ? pinned.error : pinned.problem}`);
  }
  const frozen = hooks.flatMap(({ path, pinned }) =>
    pinned.status === 'rewritten'
      ? pinned.entries.flatMap((entry) =>
          entry.action === 'pin'
            ? [{ path, line: entry.hook.rev.line, before: entry.hook.rev.value, after: entry.after }]
            : [],
        )
      : [],
  );
  if (!options.dryRun)
    await Promise.all([...finalText].map(([path, text]) => writeFile(absolutePathOf.get(path)!, text)));
  const imageFailures = images.files.flatMap((file) =>
    imageGateFailuresAfterPinning(file).map((failure) =>
      failure.line === undefined ? `${failure.path}: ${failure.reason}` : `${failure.path}:${failure.line}`,
    ),
  );
  const failures = [...results.flatMap((result) => gateFailuresAfterPinning(result, options.ignore)), ...imageFailures];
  // The audit's checks over the files as they end, with the same answers (and cache) the pinning
  // used: what is high or critical is said, and fails the run.
  const audited = results.map((result, index) => {
    const text = result.status === 'rewritten' ? result.text : result.original;
    return {
      path: result.path,
      text,
      located: referencesAsPinned(result, files[index]!.located) ?? locateUsesSites(text, files[index]!.kind),
    };
  });
  const imageFindings = images.files.flatMap((file) =>
    file.located.ok ? auditImages(file.path, imagesAfterPinning(file), images.resolutions) : [],
  );
  // What trust held back or said of a pin, then the audit's serious findings of the files as they end.
  const held = results.flatMap((result) => ('plan' in result ? trustFindings(result.path, result.plan) : []));
  const findings = [
    ...held,
    ...[...(await auditFiles(audited, resolver)).findings, ...imageFindings].filter(isSerious),
  ];
  const summary = {
    ...summarise(results),
    ...summariseImages(images.files),
    failing: failures.length,
    serious: findings.filter(isSerious).length,
    preCommitFrozen: frozen.length,
  };
  if (options.format === 'json') {
    const shownImages = images.files
      .map(imageFileJson)
      .filter((file) => file.pins.length + file.skipped.length > 0 || file.status !== 'unchanged');
    const tail = { images: shownImages, preCommit: frozen, findings, notes, summary };
    io.stdout.write(jsonWithList({ dryRun: options.dryRun }, 'files', results.map(fileJson), tail));
    io.stdout.write('\n');
  } else {
    for (const note of notes) io.stderr.write(`pinwarden: ${printable(note)}\n`);
    // The diff library is loaded only to print diffs (a dry run's text): 33 ms of start-up otherwise.
    const renderDiff = options.dryRun ? (await import('../report/render-diff.js')).renderUnifiedDiff : undefined;
    writeText(results, images.files, finalText, summary, renderDiff, io);
    for (const hook of frozen)
      io.stdout.write(
        `${printable(hook.path)}:${hook.line} rev ${printable(hook.before)} -> ${printable(hook.after)}\n`,
      );
    if (findings.length > 0)
      io.stdout.write(`\nSecurity findings (run \`pinwarden audit\` for all):\n${renderFindingsText(findings)}`);
  }
  return failures.length > 0 || findings.some(isSerious) ? EXIT.findings : EXIT.ok;
}

function summariseImages(files: readonly PinnedImageFile[]) {
  const entries = files.flatMap((file) => ('entries' in file ? file.entries : []));
  return {
    imagesPinned: files.flatMap((file) =>
      file.status === 'rewritten' ? file.entries.filter((entry) => entry.action === 'pin') : [],
    ).length,
    imagesSkipped: entries.filter((entry) => entry.action === 'skip').length,
  };
}

function imageFileJson(file: PinnedImageFile) {
  const entries = 'entries' in file ? file.entries : [];
  return {
    path: file.path,
    kind: file.kind,
    status: file.status,
    ...(file.status === 'unreadable'
      ? { error: file.error }
      : file.status === 'rejected'
        ? { error: file.problem }
        : {}),
    pins: entries.flatMap((entry) =>
      entry.action === 'pin'
        ? [
            {
              line: entry.located.site.line,
              before: entry.located.site.written,
              after: entry.after,
              latest: entry.latest,
            },
          ]
        : [],
    ),
    skipped: entries.flatMap((entry) =>
      entry.action === 'skip'
        ? [{ line: entry.located.site.line, image: entry.located.site.written, reason: entry.reason }]
        : [],
    ),
  };
}

function summarise(results: readonly PinnedFile[]) {
  const entries = results.flatMap((result) => ('plan' in result ? result.plan.entries : []));
  return {
    files: results.length,
    rewritten: results.filter((result) => result.status === 'rewritten').length,
    pinned: entries.filter((entry) => entry.action === 'pin').length,
    skipped: entries.filter((entry) => entry.action === 'skip').length,
    held: entries.filter((entry) => entry.action === 'skip' && entry.held !== undefined).length,
    unreadable: results.filter((result) => result.status === 'unreadable').length,
    rejected: results.filter((result) => result.status === 'rejected').length,
  };
}

function fileJson(result: PinnedFile) {
  const base = { path: result.path, status: result.status };
  if (result.status === 'unreadable') return { ...base, error: result.error };
  return {
    ...base,
    ...(result.status === 'rejected' ? { error: result.problem } : {}),
    pins: result.plan.entries.flatMap((entry) =>
      entry.action === 'pin'
        ? [
            {
              line: entry.pin.site.line,
              before: entry.pin.before,
              after: entry.pin.after,
              comment: entry.pin.comment ?? null,
              refType: entry.pin.refType,
              ambiguous: entry.pin.ambiguous,
            },
          ]
        : [],
    ),
    skipped: result.plan.entries.flatMap((entry) =>
      entry.action === 'skip' ? [{ line: entry.site.line, uses: entry.site.value, reason: entry.reason }] : [],
    ),
  };
}

function writeText(
  results: readonly PinnedFile[],
  images: readonly PinnedImageFile[],
  finalText: ReadonlyMap<string, string>,
  summary: ReturnType<typeof summarise> & ReturnType<typeof summariseImages> & { failing: number },
  /** Present on a dry run, whose diffs are printed. */
  renderDiff: ((path: string, before: string | undefined, after: string) => string) | undefined,
  io: CliIo,
): void {
  const imagesOf = new Map(images.map((file) => [file.path, file]));
  const shown = new Set<string>();
  const imageLines = (path: string): string[] => {
    const file = imagesOf.get(path);
    if (!file) return [];
    if (file.status === 'unreadable') return [`images left alone, the file cannot be read: ${file.error}`];
    const lines = file.entries.flatMap((entry) => describeImageEntry(entry) ?? []);
    return file.status === 'rejected'
      ? [...lines, `images left alone: the rewrite did not verify: ${file.problem}`]
      : lines;
  };
  for (const result of results) {
    shown.add(result.path);
    if (result.status === 'unreadable') {
      io.stdout.write(`${printable(result.path)}: left alone, it cannot be read: ${printable(result.error)}\n`);
      continue;
    }
    const lines = [
      ...result.plan.entries.filter((entry) => entry.action !== 'keep').map(describePlanEntry),
      ...imageLines(result.path),
    ];
    if (lines.length === 0) continue;
    io.stdout.write(`${printable(result.path)}\n${lines.map((line) => `  ${printable(line)}\n`).join('')}`);
    if (result.status === 'rejected')
      io.stdout.write(`  left alone: the rewrite did not verify: ${printable(result.problem)}\n`);
    const text = finalText.get(result.path);
    if (text !== undefined && renderDiff)
      io.stdout.write(renderDiff(result.path, result.original, text).split('\n').map(printable).join('\n'));
  }
  for (const file of images) {
    if (shown.has(file.path)) continue;
    const lines = imageLines(file.path);
    if (lines.length === 0) continue;
    io.stdout.write(`${printable(file.path)}\n${lines.map((line) => `  ${printable(line)}\n`).join('')}`);
    const text = finalText.get(file.path);
    if (text !== undefined && renderDiff)
      io.stdout.write(renderDiff(file.path, file.original, text).split('\n').map(printable).join('\n'));
  }
  io.stdout.write(
    `\n${renderDiff ? 'dry run: ' : ''}${count(summary.pinned, 'reference')} and ${count(summary.imagesPinned, 'image')} pinned in ${count(finalText.size, 'file')}; ${summary.failing} still not pinned${summary.held > 0 ? ` (${summary.held} held back: see the findings)` : ''}; ${count(summary.unreadable, 'file')} could not be read\n`,
  );
}
