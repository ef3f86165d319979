// The fake's code scanning and dependency graph, as far as pinwarden writes and the demo reads
// them: SARIF uploads (`POST …/code-scanning/sarifs`: gzipped, base64, checked against the SARIF
// schema) become alerts matched across uploads by rule and `primaryLocationLineHash`, open while
// the newest analysis of the branch has them and fixed once it does not (`GET …/code-scanning/alerts`);
// dependency snapshots (`POST …/dependency-graph/snapshots`) are kept, the newest per correlator.
// A repository can refuse either, as GitHub does without the permission or with the feature off.
import { gunzipSync } from 'node:zlib';
import type { Log, Result } from 'sarif';
import { sarifProblems } from '../../sarif/validate-sarif.js';
import type { FakeRepository } from './fake-state.js';
import { notFound, unprocessable } from './rest-answers.js';
import type { RestResponse, RestRoute } from './rest-api.js';
import type { WithRepository } from './git-data-routes.js';

export interface FakeSarifUpload {
  readonly id: string;
  readonly ref: string;
  readonly commitSha: string;
  readonly category: string;
  readonly tool: string;
  readonly at: string;
  readonly results: readonly Result[];
  readonly rules: ReadonlyMap<string, { name?: string; description?: string; securitySeverity?: string }>;
}

export interface FakeSnapshot {
  readonly id: number;
  readonly correlator: string;
  readonly sha: string;
  readonly ref: string;
  readonly at: string;
  readonly manifests: Record<string, { resolved?: Record<string, { package_url: string; relationship?: string }> }>;
}

/** GitHub's limit on a SARIF upload, gzipped; the fake also bounds what it inflates. */
const MAX_GZIP_BYTES = 10 * 1024 * 1024;
const MAX_SARIF_BYTES = 64 * 1024 * 1024;
const FORBIDDEN: RestResponse = {
  status: 403,
  body: {
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest',
    status: '403',
  },
};

export function securityRoutes(withRepository: WithRepository): RestRoute[] {
  return [
    {
      name: 'POST /repos/{owner}/{repo}/code-scanning/sarifs',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/code-scanning\/sarifs$/,
      handle: withRepository((repository, _rest, { body, api, state }) => {
        if (repository.refusedReports.has('code-scanning')) return FORBIDDEN;
        const input = body as { commit_sha?: unknown; ref?: unknown; sarif?: unknown; tool_name?: unknown } | null;
        if (typeof input?.commit_sha !== 'string' || !/^[0-9a-f]{40}$/.test(input.commit_sha))
          return unprocessable('commit_sha must be a 40-character SHA');
        if (typeof input.ref !== 'string' || !/^refs\/(heads|tags|pull)\//.test(input.ref))
          return unprocessable('ref must be a full Git reference');
        if (typeof input.sarif !== 'string') return unprocessable('sarif is required');
        const log = decodeSarif(input.sarif);
        if (typeof log === 'string') return { status: 400, body: { message: log, status: '400' } };
        const run = log.runs[0];
        const id = `fake-${(state.nextId += 1)}`;
        repository.sarifUploads.push({
          id,
          ref: input.ref,
          commitSha: input.commit_sha,
          category: run?.automationDetails?.id ?? '',
          tool: run?.tool.driver.name ?? String(input.tool_name ?? 'API'),
          at: new Date().toISOString(),
          results: run?.results ?? [],
          rules: new Map(
            (run?.tool.driver.rules ?? []).map((rule) => [
              rule.id,
              {
                ...(rule.name ? { name: rule.name } : {}),
                ...(rule.shortDescription?.text ? { description: rule.shortDescription.text } : {}),
                ...(typeof rule.properties?.['security-severity'] === 'string'
                  ? { securitySeverity: rule.properties['security-severity'] as string }
                  : {}),
              },
            ]),
          ),
        });
        return { status: 202, body: { id, url: `${api}/code-scanning/sarifs/${id}` } };
      }),
    },
    {
      name: 'GET /repos/{owner}/{repo}/code-scanning/alerts',
      method: 'GET',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/code-scanning\/alerts$/,
      handle: withRepository((repository, _rest, { url, api }) => {
        if (repository.refusedReports.has('code-scanning')) return FORBIDDEN;
        if (repository.sarifUploads.length === 0) return notFound;
        const state = url.searchParams.get('state');
        const alerts = codeScanningAlerts(repository).filter((alert) => !state || alert.state === state);
        return {
          status: 200,
          body: alerts.map((alert) => alertBody(alert, repository, api)),
        };
      }),
    },
    {
      name: 'POST /repos/{owner}/{repo}/dependency-graph/snapshots',
      method: 'POST',
      pattern: /^\/repos\/([^/]+)\/([^/]+)\/dependency-graph\/snapshots$/,
      handle: withRepository((repository, _rest, { body, state }) => {
        if (repository.refusedReports.has('dependency-graph')) return FORBIDDEN;
        const input = body as Partial<{
          version: unknown;
          sha: unknown;
          ref: unknown;
          job: { correlator?: unknown; id?: unknown };
          detector: unknown;
          scanned: unknown;
          manifests: unknown;
        }> | null;
        const missing = ['version', 'sha', 'ref', 'job', 'detector', 'scanned'].filter(
          (key) => (input as Record<string, unknown> | null)?.[key] === undefined,
        );
        if (missing.length > 0) return unprocessable(`missing ${missing.join(', ')}`);
        if (typeof input!.sha !== 'string' || input!.sha.length < 40 || input!.sha.length > 64)
          return unprocessable('sha must be 40 to 64 characters');
        if (typeof input!.job?.correlator !== 'string' || typeof input!.job.id !== 'string')
          return unprocessable('job needs correlator and id');
        const snapshot: FakeSnapshot = {
          id: (state.nextId += 1),
          correlator: input!.job.correlator,
          sha: input!.sha,
          ref: String(input!.ref),
          at: new Date().toISOString(),
          manifests: (input!.manifests ?? {}) as FakeSnapshot['manifests'],
        };
        repository.snapshots.push(snapshot);
        return {
          status: 201,
          body: {
            id: snapshot.id,
            created_at: snapshot.at,
            result: 'SUCCESS',
            message: 'Dependency results for the repo have been successfully updated.',
          },
        };
      }),
    },
  ];
}

function decodeSarif(base64: string): Log | string {
  const gzipped = Buffer.from(base64, 'base64');
  if (gzipped.length > MAX_GZIP_BYTES) return 'SARIF upload is too large';
  let text: string;
  try {
    text = gunzipSync(gzipped, { maxOutputLength: MAX_SARIF_BYTES }).toString('utf8');
  } catch {
    return 'the SARIF is not gzip-compressed';
  }
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch {
    return 'the SARIF is not JSON';
  }
  const problems = sarifProblems(log);
  return problems.length > 0 ? `the SARIF is invalid: ${problems.slice(0, 3).join('; ')}` : (log as Log);
}

export interface FakeAlert {
  readonly number: number;
  readonly state: 'open' | 'fixed';
  readonly createdAt: string;
  readonly fixedAt: string | undefined;
  readonly upload: FakeSarifUpload;
  readonly result: Result;
}

/**
 * The alerts of the default branch: one per rule and fingerprint ever uploaded by a tool and
 * category, open when the newest upload of those has it, fixed when it no longer does.
 */
export function codeScanningAlerts(repository: FakeRepository): FakeAlert[] {
  const ref = `refs/heads/${repository.defaultBranch}`;
  const uploads = repository.sarifUploads.filter((upload) => upload.ref === ref);
  const newest = new Map<string, FakeSarifUpload>();
  for (const upload of uploads) newest.set(`${upload.tool}\0${upload.category}`, upload);
  const alerts = new Map<string, Omit<FakeAlert, 'number' | 'state' | 'fixedAt'>>();
  for (const upload of uploads)
    for (const result of upload.results) {
      const key = alertKey(upload, result);
      const first = alerts.get(key);
      alerts.set(key, { createdAt: first?.createdAt ?? upload.at, upload, result });
    }
  return [...alerts.entries()].map(([key, alert], index) => {
    const latest = newest.get(`${alert.upload.tool}\0${alert.upload.category}`)!;
    const open = latest.results.some((result) => alertKey(latest, result) === key);
    return { ...alert, number: index + 1, state: open ? 'open' : 'fixed', fixedAt: open ? undefined : latest.at };
  });
}

function alertKey(upload: FakeSarifUpload, result: Result): string {
  const fingerprint = result.partialFingerprints?.primaryLocationLineHash ?? JSON.stringify(result.locations ?? []);
  return [upload.tool, upload.category, result.ruleId ?? '', fingerprint].join('\0');
}

const SEVERITY_LEVEL = (score: number) =>
  score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';

function alertBody(alert: FakeAlert, repository: FakeRepository, api: string) {
  const rule = alert.upload.rules.get(alert.result.ruleId ?? '') ?? {};
  const location = alert.result.locations?.[0]?.physicalLocation;
  const web = `https://github.com/${repository.owner}/${repository.name}`;
  return {
    number: alert.number,
    created_at: alert.createdAt,
    updated_at: alert.fixedAt ?? alert.createdAt,
    url: `${api}/code-scanning/alerts/${alert.number}`,
    html_url: `${web}/security/code-scanning/${alert.number}`,
    instances_url: `${api}/code-scanning/alerts/${alert.number}/instances`,
    state: alert.state,
    fixed_at: alert.fixedAt ?? null,
    dismissed_by: null,
    dismissed_at: null,
    dismissed_reason: null,
    dismissed_comment: null,
    rule: {
      id: alert.result.ruleId ?? null,
      name: rule.name ?? null,
      severity: alert.result.level === 'error' ? 'error' : alert.result.level === 'note' ? 'note' : 'warning',
      security_severity_level: rule.securitySeverity ? SEVERITY_LEVEL(Number(rule.securitySeverity)) : null,
      description: rule.description ?? null,
      tags: null,
    },
    tool: { name: alert.upload.tool, version: null, guid: null },
    most_recent_instance: {
      ref: alert.upload.ref,
      analysis_key: '',
      environment: '',
      category: alert.upload.category,
      state: alert.state,
      commit_sha: alert.upload.commitSha,
      message: { text: alert.result.message.text ?? '' },
      location: {
        path: decodeURIComponent(location?.artifactLocation?.uri ?? ''),
        start_line: location?.region?.startLine ?? 1,
        end_line: location?.region?.startLine ?? 1,
      },
      classifications: [],
    },
  };
}
