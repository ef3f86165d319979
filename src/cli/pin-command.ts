// `pinwarden pin`: resolves every tag and branch to its commit and rewrites files in place
// (or, with --dry-run, prints what it would change).
import { writeFile } from 'node:fs/promises';
import { pinFiles } from '../jobs/pin-files.js';
import type { PinnedFile } from '../jobs/pin-files.js';
import { describePlanEntry } from '../report/describe-plan.js';
import { auditFiles } from '../audit/audit-files.js';
import { renderFindingsText } from '../audit/render-findings.js';
import { isSerious } from '../audit/types.js';
import { gateFailuresAfterPinning } from '../gate/gate-files.js';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { IgnoreRef } from '../gate/gate.js';
import { renderUnifiedDiff } from '../report/render-diff.js';
import { count, printable } from '../report/words.js';
import { isFullSha } from '../common/commit-sha.js';
import { collectRefRequests } from '../rewrite/plan-pins.js';
import type { CliIo } from './io.js';
import { EXIT } from './io.js';
import { readLocalFiles } from './read-local-files.js';
import { NOTHING_TO_RESOLVE, chooseAuditFacts } from './resolver-option.js';

export interface PinOptions {
  readonly paths: readonly string[];
  readonly format: 'text' | 'json';
  readonly dryRun: boolean;
  /** Resolve from refs data on disk instead of the GitHub API (offline, reproducible). */
  readonly refsDir: string | undefined;
  /** GitHub's API, or GitHub Enterprise's `https://HOST/api/v3`. */
  readonly apiUrl: string;
  readonly ignore?: IgnoreRef;
}


export async function pinCommand(options: PinOptions, io: CliIo): Promise<number> {
  const { files: read, notes, lockfiles } = await readLocalFiles(options.paths, io.cwd);
  // Workflows onboarded to actions.lock are left as they are: the lockfile's keys are their `uses:`.
  const files = read.filter((file) => !file.locked);
  const locked = read.filter((file) => file.locked).map((file) => file.path);
  if (locked.length > 0) notes.push(`left as they are, onboarded to ${lockfiles.map((lockfile) => lockfile.path).join(', ')} (regenerate it with gh actions-lock): ${locked.join(', ')}`);
  const requests = collectRefRequests(files.flatMap((file) => (file.located.ok ? file.located.references : [])), options.ignore);
  // Nothing to resolve (all pinned, or nothing remote) and no way to ask: no token demanded, no
  // Octokit loaded; the pinned commits are then not confirmed, and that is said.
  const nothingToResolve = requests.every((request) => isFullSha(request.ref));
  const canAsk = options.refsDir !== undefined || Boolean(io.env.GITHUB_TOKEN);
  const resolver = nothingToResolve && !canAsk ? NOTHING_TO_RESOLVE : await chooseAuditFacts(options, io.env);
  if (nothingToResolve && !canAsk && requests.length > 0) notes.push(`${count(requests.length, 'pinned commit')} not confirmed to exist (no GITHUB_TOKEN or --refs)`);
  const results = await pinFiles(files, resolver, options.ignore);
  if (!options.dryRun) {
    await Promise.all(
      results.map((result, index) => (result.status === 'rewritten' ? writeFile(files[index]!.absolutePath, result.text) : undefined)),
    );
  }
  const failures = results.flatMap((result) => gateFailuresAfterPinning(result, options.ignore));
  // The audit's checks over the files as they end, with the same answers (and cache) the pinning
  // used: what is high or critical is said, and fails the run.
  const audited = results.map((result, index) => (result.status === 'rewritten' ? { path: result.path, text: result.text, located: locateUsesSites(result.text, files[index]!.kind) } : { path: result.path, text: result.original, located: files[index]!.located }));
  const findings = (await auditFiles(audited, resolver)).findings.filter(isSerious);
  const summary = { ...summarise(results), failing: failures.length, serious: findings.length };
  if (options.format === 'json') io.stdout.write(`${JSON.stringify({ dryRun: options.dryRun, files: results.map(fileJson), findings, notes, summary })}\n`);
  else {
    for (const note of notes) io.stderr.write(`pinwarden: ${printable(note)}\n`);
    writeText(results, summary, options.dryRun, io);
    if (findings.length > 0) io.stdout.write(`\nSecurity findings (run \`pinwarden audit\` for all):\n${renderFindingsText(findings)}`);
  }
  return failures.length > 0 || findings.length > 0 ? EXIT.findings : EXIT.ok;
}

function summarise(results: readonly PinnedFile[]) {
  const entries = results.flatMap((result) => ('plan' in result ? result.plan.entries : []));
  return {
    files: results.length,
    rewritten: results.filter((result) => result.status === 'rewritten').length,
    pinned: entries.filter((entry) => entry.action === 'pin').length,
    skipped: entries.filter((entry) => entry.action === 'skip').length,
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
        ? [{ line: entry.pin.site.line, before: entry.pin.before, after: entry.pin.after, comment: entry.pin.comment ?? null, refType: entry.pin.refType, ambiguous: entry.pin.ambiguous }]
        : [],
    ),
    skipped: result.plan.entries.flatMap((entry) => (entry.action === 'skip' ? [{ line: entry.site.line, uses: entry.site.value, reason: entry.reason }] : [])),
  };
}

function writeText(results: readonly PinnedFile[], summary: ReturnType<typeof summarise> & { failing: number }, dryRun: boolean, io: CliIo): void {
  for (const result of results) {
    if (result.status === 'unreadable') {
      io.stdout.write(`${printable(result.path)}: left alone, it cannot be read: ${printable(result.error)}\n`);
      continue;
    }
    const lines = result.plan.entries.filter((entry) => entry.action !== 'keep').map(describePlanEntry);
    if (lines.length === 0) continue;
    io.stdout.write(`${printable(result.path)}\n${lines.map((line) => `  ${printable(line)}\n`).join('')}`);
    if (result.status === 'rejected') io.stdout.write(`  left alone: the rewrite did not verify: ${printable(result.problem)}\n`);
    if (result.status === 'rewritten' && dryRun) io.stdout.write(renderUnifiedDiff(result.path, result.original, result.text).split('\n').map(printable).join('\n'));
  }
  io.stdout.write(
    `\n${dryRun ? 'dry run: ' : ''}${count(summary.pinned, 'reference')} pinned in ${count(summary.rewritten, 'file')}; ${summary.failing} still not pinned; ${count(summary.unreadable, 'file')} could not be read\n`,
  );
}
