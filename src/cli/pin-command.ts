// `pinwarden pin`: resolves every tag and branch to its commit and rewrites files in place
// (or, with --dry-run, prints what it would change).
import { writeFile } from 'node:fs/promises';
import { loadRefsDir } from '../fake-github/load-refs.js';
import { pinFiles } from '../jobs/pin-files.js';
import type { PinnedFile } from '../jobs/pin-files.js';
import { describePlanEntry } from '../report/describe-plan.js';
import { gateFailuresAfterPinning } from '../gate/gate-files.js';
import type { IgnoreRef } from '../gate/gate.js';
import { renderUnifiedDiff } from '../report/render-diff.js';
import { count, printable } from '../report/words.js';
import { isFullSha } from '../common/commit-sha.js';
import { collectRefRequests } from '../rewrite/plan-pins.js';
import { createCachingResolver } from '../resolve/caching-resolver.js';
import { createTableRefResolver } from '../resolve/table-ref-resolver.js';
import type { RefResolver } from '../resolve/types.js';
import type { CliIo } from './io.js';
import { EXIT, UsageError } from './io.js';
import { readLocalFiles } from './read-local-files.js';

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

export const DEFAULT_API_URL = 'https://api.github.com';

export async function pinCommand(options: PinOptions, io: CliIo): Promise<number> {
  const { files, notes } = await readLocalFiles(options.paths, io.cwd);
  const requests = collectRefRequests(files.flatMap((file) => (file.located.ok ? file.located.references : [])), options.ignore);
  // Nothing to resolve (all pinned, or nothing remote) and no way to ask: no token demanded, no
  // Octokit loaded; the pinned commits are then not confirmed, and that is said.
  const nothingToResolve = requests.every((request) => isFullSha(request.ref));
  const canAsk = options.refsDir !== undefined || Boolean(io.env.GITHUB_TOKEN);
  const resolver = nothingToResolve && !canAsk ? NOTHING_TO_RESOLVE : await chooseResolver(options, io);
  if (nothingToResolve && !canAsk && requests.length > 0) notes.push(`${count(requests.length, 'pinned commit')} not confirmed to exist (no GITHUB_TOKEN or --refs)`);
  const results = await pinFiles(files, resolver, options.ignore);
  if (!options.dryRun) {
    await Promise.all(
      results.map((result, index) => (result.status === 'rewritten' ? writeFile(files[index]!.absolutePath, result.text) : undefined)),
    );
  }
  const failures = results.flatMap((result) => gateFailuresAfterPinning(result, options.ignore));
  const summary = { ...summarise(results), failing: failures.length };
  if (options.format === 'json') io.stdout.write(`${JSON.stringify({ dryRun: options.dryRun, files: results.map(fileJson), notes, summary })}\n`);
  else {
    for (const note of notes) io.stderr.write(`pinwarden: ${printable(note)}\n`);
    writeText(results, summary, options.dryRun, io);
  }
  return failures.length > 0 ? EXIT.findings : EXIT.ok;
}

const NOTHING_TO_RESOLVE: RefResolver = { resolve: async () => new Map() };

async function chooseResolver(options: PinOptions, io: CliIo): Promise<RefResolver> {
  if (options.refsDir === undefined) {
    const token = io.env.GITHUB_TOKEN;
    if (!token) throw new UsageError('GITHUB_TOKEN is not set (or pass --refs DIR to resolve from refs data offline)');
    if (!/^https?:\/\//.test(options.apiUrl)) throw new UsageError(`--api-url must be an http(s) URL, not "${options.apiUrl}"`);
    const msPerRetrySecond = io.env.PINWARDEN_MS_PER_RETRY_SECOND ? Number(io.env.PINWARDEN_MS_PER_RETRY_SECOND) : undefined;
    // Loaded only here: `scan`, and `pin` with nothing to resolve, never pay for Octokit.
    const [{ createTokenOctokit }, { createOctokitRefResolver }] = await Promise.all([import('../github/create-octokit.js'), import('../github/octokit-ref-resolver.js')]);
    const octokit = createTokenOctokit({ token, baseUrl: options.apiUrl, ...(msPerRetrySecond === undefined ? {} : { msPerRetrySecond }) });
    return createCachingResolver(createOctokitRefResolver(octokit));
  }
  try {
    return createTableRefResolver(await loadRefsDir(options.refsDir));
  } catch (error) {
    throw new UsageError(`cannot read refs from ${options.refsDir}: ${(error as Error).message}`);
  }
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
