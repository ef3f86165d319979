// `pinwarden pin`: resolves every tag and branch to its commit and rewrites files in place
// (or, with --dry-run, prints what it would change).
import { writeFile } from 'node:fs/promises';
import { loadRefsDir } from '../fake-github/load-refs.js';
import { pinFiles } from '../jobs/pin-files.js';
import type { PinnedFile } from '../jobs/pin-files.js';
import { describePlanEntry } from '../report/describe-plan.js';
import { renderLineDiff } from '../report/render-line-diff.js';
import { createTokenOctokit } from '../github/create-octokit.js';
import { createOctokitRefResolver } from '../github/octokit-ref-resolver.js';
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
}

export const DEFAULT_API_URL = 'https://api.github.com';

export async function pinCommand(options: PinOptions, io: CliIo): Promise<number> {
  const resolver = await chooseResolver(options, io);
  const files = await readLocalFiles(options.paths, io.cwd);
  const results = await pinFiles(files, resolver);
  if (!options.dryRun) {
    await Promise.all(
      results.map((result, index) => (result.status === 'rewritten' ? writeFile(files[index]!.absolutePath, result.text) : undefined)),
    );
  }
  const summary = summarise(results);
  if (options.format === 'json') io.stdout.write(`${JSON.stringify({ dryRun: options.dryRun, files: results.map(fileJson), summary })}\n`);
  else writeText(results, summary, options.dryRun, io);
  return summary.unpinned > 0 || summary.unreadable > 0 || summary.rejected > 0 ? EXIT.findings : EXIT.ok;
}

async function chooseResolver(options: PinOptions, io: CliIo): Promise<RefResolver> {
  if (options.refsDir === undefined) {
    const token = io.env.GITHUB_TOKEN;
    if (!token) throw new UsageError('GITHUB_TOKEN is not set (or pass --refs DIR to resolve from refs data offline)');
    if (!/^https?:\/\//.test(options.apiUrl)) throw new UsageError(`--api-url must be an http(s) URL, not "${options.apiUrl}"`);
    const msPerRetrySecond = io.env.PINWARDEN_MS_PER_RETRY_SECOND ? Number(io.env.PINWARDEN_MS_PER_RETRY_SECOND) : undefined;
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
    unpinned: entries.filter((entry) => entry.action === 'skip' && (entry.ref.kind === 'action' || entry.ref.kind === 'reusable-workflow')).length,
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

function writeText(results: readonly PinnedFile[], summary: ReturnType<typeof summarise>, dryRun: boolean, io: CliIo): void {
  for (const result of results) {
    if (result.status === 'unreadable') {
      io.stdout.write(`${result.path}: left alone, the YAML does not parse: ${result.error}\n`);
      continue;
    }
    const lines = result.plan.entries.filter((entry) => entry.action !== 'keep').map(describePlanEntry);
    if (lines.length === 0) continue;
    io.stdout.write(`${result.path}\n${lines.map((line) => `  ${line}\n`).join('')}`);
    if (result.status === 'rejected') io.stdout.write(`  left alone: the rewrite did not verify: ${result.problem}\n`);
    if (result.status === 'rewritten' && dryRun) io.stdout.write(`${renderLineDiff(result.path, result.original, result.text)}\n`);
  }
  io.stdout.write(
    `\n${dryRun ? 'dry run: ' : ''}${summary.pinned} references pinned in ${summary.rewritten} files; ${summary.unpinned} remote references could not be pinned; ${summary.unreadable} files could not be parsed\n`,
  );
}
