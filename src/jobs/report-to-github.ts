// A run's findings and inventory where security teams look: code scanning (SARIF) and the
// dependency graph (a snapshot), each sent only when it changed since the last one sent for the
// repository — both are writes against the content budget. A first run with no findings sends no
// SARIF (there is no alert to close); a refusal (permission not granted, code scanning or the
// dependency graph off) is logged, remembered for a day, and the issues stay the channel.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Finding } from '../audit/types.js';
import type { GitHubClient } from '../github/github-client.js';
import { submitSnapshot, uploadSarif } from '../github/security-reports.js';
import type { ReportAnswer } from '../github/security-reports.js';
import { dependencySnapshot } from '../inventory/dependency-snapshot.js';
import type { InventoryEntry } from '../inventory/inventory.js';
import type { ReportedDigests } from '../report/reported-digests.js';
import { buildSarif } from '../sarif/build-sarif.js';

const REFUSAL_TTL_MS = 24 * 3_600_000;

export interface SecurityReporting {
  readonly reported: ReportedDigests;
  readonly version: string;
  readonly codeScanning: boolean;
  readonly dependencyGraph: boolean;
}

export type ReportOutcome = 'sent' | 'unchanged' | 'nothing' | 'refused' | 'off';

export async function reportToGitHub(
  deps: { readonly github: GitHubClient; readonly log: Pick<Logger, 'info'>; readonly reporting: SecurityReporting },
  repository: { readonly owner: string; readonly name: string },
  at: { readonly headSha: string; readonly defaultBranch: string },
  what: { readonly findings: readonly Finding[]; readonly inventory: readonly InventoryEntry[] },
): Promise<{ codeScanning: ReportOutcome; dependencyGraph: ReportOutcome }> {
  const { github, log, reporting } = deps;
  const name = `${repository.owner}/${repository.name}`.toLowerCase();
  const ref = `refs/heads/${at.defaultBranch}`;

  const codeScanning = async (): Promise<ReportOutcome> => {
    if (!reporting.codeScanning) return 'off';
    const { log: sarif } = buildSarif(what.findings, reporting.version);
    const results = sarif.runs[0]?.results ?? [];
    return sendIfChanged(`sarif:${name}`, digestOf(results), results.length === 0, () =>
      uploadSarif(github, repository, { commitSha: at.headSha, ref }, sarif),
    );
  };
  const dependencyGraph = async (): Promise<ReportOutcome> => {
    if (!reporting.dependencyGraph) return 'off';
    const snapshot = dependencySnapshot(what.inventory, {
      sha: at.headSha,
      ref,
      version: reporting.version,
      jobId: `pinwarden-${at.headSha.slice(0, 12)}`,
      scanned: new Date().toISOString(),
    });
    return sendIfChanged(`snapshot:${name}`, digestOf(snapshot.manifests), what.inventory.length === 0, () =>
      submitSnapshot(github, repository, snapshot),
    );
  };
  const sendIfChanged = async (
    key: string,
    digest: string,
    empty: boolean,
    send: () => Promise<ReportAnswer>,
  ): Promise<ReportOutcome> => {
    const last = await reporting.reported.get(key);
    if (last === digest) return 'unchanged';
    if (last === `refused:${digest}`) return 'refused';
    // Nothing sent before and nothing to say: no write (a write would close no alert, add no dependency).
    if (last === undefined && empty) return 'nothing';
    const answer = await send();
    if (answer.status === 'refused') {
      log.info(
        { report: key.split(':')[0], status: answer.httpStatus, reason: answer.reason },
        'GitHub refused the report',
      );
      await reporting.reported.set(key, `refused:${digest}`, REFUSAL_TTL_MS);
      return 'refused';
    }
    await reporting.reported.set(key, digest);
    return 'sent';
  };
  return { codeScanning: await codeScanning(), dependencyGraph: await dependencyGraph() };
}

function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
