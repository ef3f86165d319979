// Prometheus metrics at GET /metrics (prom-client): what an operator of a fleet watches — work
// waiting per installation, how runs end, API calls by kind, time spent waiting on GitHub's
// limits, and the hourly content budget left. One registry per process (per replica).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  /** Installations with queued work, with their runs (and scans) waiting or running. */
  readonly queueDepths?: () => Promise<ReadonlyMap<number, number>>;
  /** Content-creating requests left in the hour, per installation. */
  readonly budgetLeft?: () => Promise<ReadonlyMap<number, number>>;
}

export interface PinwardenMetrics {
  readonly registry: Registry;
  readonly runs: Counter<'outcome'>;
  readonly apiCalls: Counter<'kind'>;
  readonly rateLimitWaits: Counter<'limit'>;
  readonly rateLimitWaitSeconds: Counter<'limit'>;
}

export function createMetrics(sources: MetricsSources = {}): PinwardenMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pinwarden_process_' });
  const runs = new Counter({
    name: 'pinwarden_runs_total',
    help: 'Repository runs, by how they ended',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const apiCalls = new Counter({
    name: 'pinwarden_github_requests_total',
    help: 'Requests to GitHub, by kind (rest-read, rest-write, graphql, graphql-mutation)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rateLimitWaits = new Counter({
    name: 'pinwarden_rate_limit_waits_total',
    help: 'Waits on a GitHub limit, by limit (primary, secondary, content-budget)',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const rateLimitWaitSeconds = new Counter({
    name: 'pinwarden_rate_limit_wait_seconds_total',
    help: 'Seconds spent waiting on GitHub limits (in GitHub seconds, before any time scale)',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  gaugeByInstallation(
    registry,
    'pinwarden_queue_depth',
    'Runs and install scans waiting or running, by installation',
    sources.queueDepths,
  );
  gaugeByInstallation(
    registry,
    'pinwarden_content_budget_left',
    "Content-creating requests left in the installation's hour (GitHub allows 500)",
    sources.budgetLeft,
  );
  return { registry, runs, apiCalls, rateLimitWaits, rateLimitWaitSeconds };
}

/** A gauge per installation, read from `source` at each collection (none when it fails). */
function gaugeByInstallation(
  registry: Registry,
  name: string,
  help: string,
  source: (() => Promise<ReadonlyMap<number, number>>) | undefined,
): void {
  new Gauge({
    name,
    help,
    labelNames: ['installation'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [installation, value] of (await source?.().catch(() => undefined)) ?? [])
        this.set({ installation: String(installation) }, value);
    },
  });
}
