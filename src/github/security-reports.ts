// The two reports GitHub keeps for a repository besides issues: a code scanning analysis (SARIF,
// gzipped and base64-encoded, for the default branch's commit; permission `security_events:
// write`) and a dependency-graph snapshot (permission `contents: write`). Both are optional for
// the installation: a refusal (no permission, code scanning not enabled, the dependency graph
// off) is an answer with its reason, never a failed run.
import { gzipSync } from 'node:zlib';
import type { Log } from 'sarif';
import type { DependencySnapshot } from '../inventory/dependency-snapshot.js';
import type { GitHubClient } from './github-client.js';
import { statusOf } from './github-client.js';

export type ReportAnswer =
  | { readonly status: 'sent'; readonly id: string }
  | { readonly status: 'refused'; readonly httpStatus: number; readonly reason: string };

/** Code scanning refuses a gzipped SARIF over 10 MB. */
export const MAX_SARIF_GZIP_BYTES = 10 * 1024 * 1024;

export async function uploadSarif(
  github: GitHubClient,
  repository: { readonly owner: string; readonly name: string },
  at: { readonly commitSha: string; readonly ref: string },
  log: Log,
): Promise<ReportAnswer> {
  const gzipped = gzipSync(JSON.stringify(log));
  if (gzipped.length > MAX_SARIF_GZIP_BYTES)
    return { status: 'refused', httpStatus: 413, reason: `the SARIF is ${gzipped.length} bytes gzipped, over 10 MB` };
  return refusedOr(async () => {
    const { data } = await github.rest.codeScanning.uploadSarif({
      owner: repository.owner,
      repo: repository.name,
      commit_sha: at.commitSha,
      ref: at.ref,
      sarif: gzipped.toString('base64'),
      tool_name: 'pinwarden',
    });
    return data.id ?? '';
  });
}

export async function submitSnapshot(
  github: GitHubClient,
  repository: { readonly owner: string; readonly name: string },
  snapshot: DependencySnapshot,
): Promise<ReportAnswer> {
  return refusedOr(async () => {
    const { data } = await github.rest.dependencyGraph.createRepositorySnapshot({
      owner: repository.owner,
      repo: repository.name,
      ...snapshot,
    });
    return String(data.id);
  });
}

/** 403, 404, 413 and 422 are GitHub saying no (permission, feature off, too large, not accepted): said, not thrown. */
async function refusedOr(send: () => Promise<string>): Promise<ReportAnswer> {
  try {
    return { status: 'sent', id: await send() };
  } catch (error) {
    const status = statusOf(error);
    if (status !== 403 && status !== 404 && status !== 422 && status !== 413) throw error;
    return { status: 'refused', httpStatus: status, reason: (error as Error).message.split('\n')[0] ?? '' };
  }
}
