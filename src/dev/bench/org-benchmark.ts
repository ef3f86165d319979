// `npm run bench [-- --repos N --latency-ms MS]`: a synthetic org of N repositories (corpus
// workflows, SHA pins turned back into tags) on a fake GitHub with latency, installed four ways,
// each against a fresh fake in its own process:
//   pinwarden-dry  the app, installation webhook → read and plan every repository, no writes
//   pinwarden      the app, installation webhook → pull requests
//   naive          the same pipeline, resolving every `uses:` occurrence over REST, no cache
//   peer           the npm package pin-github-action, unmodified, over the same files
// API calls are counted by the fake, by kind and route. Results: a table in BENCHMARKS.md and JSON.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import type { RequestLog } from '../fake-github/fake-github-server.js';
import { loadRefsDir } from '../../cli/load-refs.js';
import { refKey } from '../../resolve/types.js';
import { fileKindOf } from '../../workflow/file-kind.js';
import { snapshotReferences } from '../../plan/plan-repository.js';
import { isRemoteRef } from '../../workflow/parse-action-ref.js';
import { writeBenchmarkBlock } from './benchmarks-file.js';
import { runNode } from './run-node.js';
import { synthesizeOrg } from '../fake-github/synthesize-org.js';
import { cpuSecondsOf } from './process-cpu.js';
import type { SyntheticRepository } from '../fake-github/synthesize-org.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const sharedCorpus = join(repoRoot, '..', 'shared', 'corpus');
const VARIANTS = ['pinwarden-dry', 'pinwarden', 'naive', 'peer'] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '4' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    json: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    // GitHub's own clock for Octokit's pacing and waits (1,000 ms a GitHub second), not the scaled one.
    'real-clock': { type: 'boolean', default: false },
    // Container images on (the App's default) or off.
    images: { type: 'string', default: 'on' },
    // The signatures beside each digest read (the App's default) or not.
    signatures: { type: 'string', default: 'on' },
    // The fake answers a read it has answered before from its first answer's bytes, and each variant
    // runs once untimed first to fill them: the fake's CPU, which GitHub's would not be, mostly off
    // these cores (replayed-reads.ts). pinwarden's own work is unchanged.
    'replaying-fake': { type: 'boolean', default: false },
  },
});
const replaying = values['replaying-fake'];
const msPerSecond = values['real-clock'] ? 1000 : 1;
const repos = Number(values.repos);
const latencyMs = Number(values['latency-ms']);
const seed = Number(values.seed);
const variants = values.variants.split(',') as Variant[];
for (const variant of variants)
  if (!VARIANTS.includes(variant)) throw new Error(`unknown variant ${variant}; choose from ${VARIANTS.join(', ')}`);
// A variant that writes would find its warm-up's pull requests on the measured run: not a first install.
if (replaying && variants.some((variant) => variant !== 'pinwarden-dry'))
  throw new Error('--replaying-fake measures pinwarden-dry only: a variant that writes would meet its warm-up run');

interface Counts {
  refused: number;
  byKind: Record<string, number>;
  byRoute: Record<string, number>;
  requests: RequestLog[];
}

/** What one variant's run measured: run-variant.js's JSON line (the peer's has no CPU or images). */
interface VariantRun {
  wallMs: number;
  cpuSeconds?: number;
  mainThreadCpuSeconds?: number | null;
  images?: { registryRequests: number };
  peakRssBytes: number;
  outcomes: Record<string, number>;
}

async function startFake(): Promise<{ url: string; pid: number | undefined; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      join(here, '..', 'fake-github', 'main.js'),
      '--org-size',
      String(repos),
      '--seed',
      String(seed),
      '--latency-ms',
      String(latencyMs),
      // GitHub's secondary limits, on the clock the app runs on: what they refuse is counted.
      '--secondary-limits',
      String(msPerSecond),
      '--corpus',
      join(sharedCorpus, 'workflows'),
      '--refs',
      join(sharedCorpus, 'refs'),
      ...(replaying ? ['--replay-reads'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake GitHub exited with ${code}`)));
  });
  return { url: firstLine.replace(/^listening /, ''), pid: child.pid, stop: () => child.kill('SIGTERM') };
}

/** The V8 flags `npm start` runs the app with (package.json), so the benchmark measures what ships. */
async function startFlags(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

async function runChild(args: string[], env: Record<string, string> = {}): Promise<string> {
  const peer = args.some((arg) => arg.includes('pin-github-action'));
  return (await runNode(args, { env, accepts: (code) => code === 0 || peer })).stdout;
}

async function runPeer(url: string, org: readonly SyntheticRepository[]): Promise<VariantRun> {
  const dir = await mkdtemp(join(tmpdir(), 'pinwarden-bench-'));
  const files: string[] = [];
  for (const repository of org.filter((entry) => !entry.archived)) {
    for (const [path, text] of Object.entries(repository.files)) {
      if (!fileKindOf(path)) continue;
      const target = join(dir, repository.name, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
      files.push(target);
    }
  }
  const rssFile = join(dir, 'rss');
  const started = performance.now();
  const bin = join(repoRoot, 'node_modules', 'pin-github-action', 'bin.js');
  await runChild(
    ['--import', join(here, 'redirect-github-api.js'), bin, '--continue-on-error', '--allow-empty', ...files],
    { GITHUB_TOKEN: 'bench', PINWARDEN_FAKE_URL: url, PINWARDEN_RSS_FILE: rssFile },
  );
  const wallMs = performance.now() - started;
  const peakRssBytes = Number(await readFile(rssFile, 'utf8'));
  await rm(dir, { recursive: true, force: true });
  return { wallMs, peakRssBytes, outcomes: { files: files.length } };
}

/** Distinct `owner/repo@ref` among the remote references of the repositories pinwarden scans. */
function orgStatistics(org: readonly SyntheticRepository[]) {
  const unique = new Set<string>();
  const actionRepositories = new Set<string>();
  let occurrences = 0;
  let files = 0;
  for (const repository of org.filter((entry) => !entry.archived)) {
    const snapshotFiles = Object.entries(repository.files)
      .filter(([path]) => fileKindOf(path))
      .map(([path, text]) => ({ path, text }));
    files += snapshotFiles.length;
    for (const { ref } of snapshotReferences(snapshotFiles)) {
      if (!isRemoteRef(ref)) continue;
      occurrences += 1;
      unique.add(refKey(ref));
      actionRepositories.add(`${ref.owner}/${ref.repo}`.toLowerCase());
    }
  }
  return {
    repositories: org.length,
    scanned: org.filter((entry) => !entry.archived).length,
    files,
    occurrences,
    uniqueRefs: unique.size,
    actionRepositories: actionRepositories.size,
  };
}

const SCAN_ROUTES = [/pinwardenRead/, /contents/, /git\/trees/, /git\/blobs/];
/** What the audit adds to a run: the advisory database, reachability of pinned commits, manifests. */
const AUDIT_ROUTES = [/pinwardenAdvisories/, /pinwardenReachability/, /pinwardenManifests/];
const RESOLVE_ROUTES = [
  /PinwardenRefs/,
  /git\/ref\//,
  /git\/tags\//,
  /\/tags$/,
  /commits\/\{ref\}/,
  /\/git\/ref\/\{ref\}/,
];

function measure(
  variant: Variant,
  counts: Counts,
  run: VariantRun,
  stats: ReturnType<typeof orgStatistics>,
  fakeCpuSeconds: number,
) {
  const requests = counts.requests.filter((entry) => !entry.route.startsWith('POST /app/'));
  const writes = requests.filter((entry) => entry.kind === 'rest-write' || entry.kind === 'graphql-write');
  const reads = requests.filter((entry) => entry.kind === 'graphql' || entry.kind === 'rest-read');
  const scanCalls = reads.filter((entry) => SCAN_ROUTES.some((pattern) => pattern.test(entry.route))).length;
  const resolveCalls = reads.filter((entry) => RESOLVE_ROUTES.some((pattern) => pattern.test(entry.route))).length;
  const auditCalls = reads.filter((entry) => AUDIT_ROUTES.some((pattern) => pattern.test(entry.route)));
  const pullRequests = run.outcomes['pull-request created'] ?? 0;
  // Code scanning uploads and dependency snapshots: writes beside the pull request's three.
  const sarifUploads = writes.filter((entry) => entry.route === 'POST /repos/{owner}/{repo}/code-scanning/sarifs');
  const snapshots = writes.filter((entry) => entry.route === 'POST /repos/{owner}/{repo}/dependency-graph/snapshots');
  const pullRequestWrites = writes.length - sarifUploads.length - snapshots.length;
  // Writes in any window of one (scaled) minute: 60 ms at 1 ms per GitHub second.
  const times = writes.map((entry) => entry.at).sort((a, b) => a - b);
  let perMinute = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= 60 * msPerSecond) start += 1;
    perMinute = Math.max(perMinute, end - start + 1);
  }
  return {
    variant,
    wallSeconds: round(run.wallMs / 1000, 1),
    cpuSeconds: run.cpuSeconds === undefined ? null : round(run.cpuSeconds, 1),
    // Of which the main thread (start-up included); the rest ran on workers and V8's own threads.
    mainThreadCpuSeconds: run.mainThreadCpuSeconds == null ? null : round(run.mainThreadCpuSeconds, 1),
    // The fake GitHub shares this machine's cores: with it, how many cores the run kept busy.
    fakeCpuSeconds: round(fakeCpuSeconds, 1),
    coresBusy: run.cpuSeconds === undefined ? null : round((run.cpuSeconds + fakeCpuSeconds) / (run.wallMs / 1000), 2),
    restReadsPerRepository: round(reads.filter((entry) => entry.kind === 'rest-read').length / stats.scanned, 3),
    images: run.images
      ? {
          ...run.images,
          treeQueries: reads.filter((entry) => /pinwardenListTrees/.test(entry.route)).length,
          restTreeListings: reads.filter((entry) => /git\/trees/.test(entry.route)).length,
        }
      : null,
    peakRssMb: round(run.peakRssBytes / 2 ** 20, 0),
    calls: {
      total: requests.length,
      graphql: requests.filter((entry) => entry.kind === 'graphql').length,
      restReads: requests.filter((entry) => entry.kind === 'rest-read').length,
      writes: writes.length,
      graphqlWrites: requests.filter((entry) => entry.kind === 'graphql-write').length,
    },
    scanCalls,
    scanCallsPerRepository: round(scanCalls / stats.scanned, 3),
    resolveCalls,
    resolveCallsPerUniqueRef: round(resolveCalls / stats.uniqueRefs, 3),
    audit: {
      calls: auditCalls.length,
      perRepository: round(auditCalls.length / stats.scanned, 3),
      advisories: auditCalls.filter((entry) => /pinwardenAdvisories/.test(entry.route)).length,
      reachability: auditCalls.filter((entry) => /pinwardenReachability/.test(entry.route)).length,
      manifests: auditCalls.filter((entry) => /pinwardenManifests/.test(entry.route)).length,
    },
    // Pin-time trust: each action repository's listing and releases, and Ref.compare (issue 25's budget: 2 GraphQL + 1 REST a repository).
    trust: {
      listings: requests.filter((entry) => /pinwardenTrustListing/.test(entry.route)).length,
      compares: requests.filter((entry) => /pinwardenTrustCompare/.test(entry.route)).length,
      releases: requests.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/releases').length,
      actionRepositories: stats.actionRepositories,
    },
    // Requests the fake's secondary limits refused (GitHub would have): the target is 0.
    refused: counts.refused,
    pullRequests,
    writesPerPullRequest: pullRequests > 0 ? round(pullRequestWrites / pullRequests, 2) : null,
    reports: {
      sarifUploads: sarifUploads.length,
      snapshots: snapshots.length,
      perRepository: round((sarifUploads.length + snapshots.length) / stats.scanned, 3),
    },
    maxWritesInOneScaledMinute: perMinute,
    outcomes: run.outcomes,
    byRoute: counts.byRoute,
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

const refs = loadRefsDir(join(sharedCorpus, 'refs'));
const org = await synthesizeOrg({ repos, seed, corpusDir: join(sharedCorpus, 'workflows'), refs });
const stats = orgStatistics(org);
process.stderr.write(
  `org: ${stats.repositories} repositories (${stats.scanned} not archived), ${stats.files} workflow/action files, ${stats.occurrences} remote uses, ${stats.uniqueRefs} distinct refs; latency ${latencyMs} ms\n`,
);

const rows: ReturnType<typeof measure>[] = [];
for (const variant of variants) {
  const fake = await startFake();
  try {
    process.stderr.write(`running ${variant}…\n`);
    const runOnce = async (): Promise<VariantRun> =>
      variant === 'peer'
        ? await runPeer(fake.url, org)
        : (JSON.parse(
            await runChild([
              ...(await startFlags()),
              join(here, 'run-variant.js'),
              '--variant',
              variant,
              '--fake',
              fake.url,
              '--repos',
              String(repos),
              '--concurrency',
              String(values.concurrency),
              '--ms-per-second',
              String(msPerSecond),
              '--images',
              values.images,
              '--signatures',
              values.signatures,
              '--corpus',
              join(sharedCorpus, 'workflows'),
            ]),
          ) as VariantRun);
    if (replaying) {
      await runOnce();
      await fetch(`${fake.url}/_fake/reset`, { method: 'POST' });
    }
    // The fake's own start-up (synthesizing the organisation) is not the run's.
    const fakeCpuBefore = await cpuSecondsOf(fake.pid);
    const run = await runOnce();
    const fakeCpu = (await cpuSecondsOf(fake.pid)) - fakeCpuBefore;
    const counts = (await (await fetch(`${fake.url}/_fake/counts`)).json()) as Counts;
    rows.push(measure(variant, counts, run, stats, fakeCpu));
    process.stderr.write(`  ${JSON.stringify({ ...rows.at(-1)!, byRoute: undefined })}\n`);
  } finally {
    fake.stop();
  }
}

const pinwarden = rows.find((row) => row.variant === 'pinwarden');
const naive = rows.find((row) => row.variant === 'naive');
const result = {
  date: new Date().toISOString().slice(0, 10),
  node: process.version,
  repos,
  latencyMs,
  seed,
  org: stats,
  rows,
  // The naive baseline does not audit: compare what both do, pinning.
  fewerCallsThanNaive:
    pinwarden && naive ? round(naive.calls.total / (pinwarden.calls.total - pinwarden.audit.calls), 1) : null,
  fewerResolveCallsThanNaive:
    pinwarden && naive ? round(naive.resolveCalls / Math.max(1, pinwarden.resolveCalls), 0) : null,
};
if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);

const table = [
  `Org: ${stats.repositories} repositories (${stats.scanned} scanned, the rest archived), ${stats.files} workflow and action files, ${stats.occurrences} remote \`uses:\`, ${stats.uniqueRefs} distinct refs. Fake GitHub latency ${latencyMs} ms a request; ${values['real-clock'] ? "Octokit's pacing on GitHub's clock" : "Octokit's pacing on a scaled clock (1 ms per GitHub second)"}, container images ${values.images === 'off' ? 'off' : `on (every image the corpus names served by a loopback registry, as the cluster benchmark does; signatures beside each digest ${values.signatures === 'off' ? 'not read' : 'read'})`}, GitHub's secondary limits enforced by the fake (refused: ${rows.map((row) => `${row.variant} ${row.refused}`).join(', ')})${replaying ? '; the fake replaying reads (each variant ran once untimed first, and reads asked again were answered from their first answer)' : ''}. pinwarden and naive run with the V8 flags of \`npm start\` (${(await startFlags()).join(' ')}), the peer with Node's defaults. Node ${process.version}, ${result.date}.`,
  '',
  '| variant | wall s | peak RSS MB | calls | GraphQL queries | REST reads | writes (GraphQL) | scan calls / repo | resolve calls / distinct ref | audit calls (advisories, reachability, manifests) | audit calls / repo | PRs | writes / PR | reports (SARIF, snapshots) / repo | max writes / scaled min |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.variant} | ${row.wallSeconds} | ${row.peakRssMb} | ${row.calls.total} | ${row.calls.graphql} | ${row.calls.restReads} | ${row.calls.writes} (${row.calls.graphqlWrites}) | ${row.scanCallsPerRepository} | ${row.resolveCallsPerUniqueRef} | ${row.audit.calls} (${row.audit.advisories}, ${row.audit.reachability}, ${row.audit.manifests}) | ${row.audit.perRepository} | ${row.pullRequests} | ${row.writesPerPullRequest ?? '–'} | ${row.reports.perRepository} (${row.reports.sarifUploads}, ${row.reports.snapshots}) | ${row.maxWritesInOneScaledMinute} |`,
  ),
  '',
  result.fewerCallsThanNaive === null
    ? ''
    : `The audit (pinwarden variants only) added ${pinwarden!.audit.calls} calls for ${stats.scanned} repositories: ${pinwarden!.audit.advisories} for the advisory database, ${pinwarden!.audit.reachability} for reachability, ${pinwarden!.audit.manifests} for manifests. Leaving those aside, for the same pull requests pinwarden made ${result.fewerCallsThanNaive}× fewer API calls in all than the naive resolver, and ${result.fewerResolveCallsThanNaive}× fewer calls to resolve refs (${pinwarden!.resolveCalls} against ${naive!.resolveCalls}); the writes per pull request are the same in both and now dominate. Beside them, each repository with something to report sent its findings to code scanning and its actions and images to the dependency graph once (${pinwarden!.reports.sarifUploads} SARIF uploads and ${pinwarden!.reports.snapshots} snapshots, ${pinwarden!.reports.perRepository} writes a repository; a run whose findings and inventory did not change sends neither).`,
].join('\n');
process.stdout.write(`${table}\n`);

// BENCHMARKS.md's table is the fake working out every answer; a replaying run is printed, not written there.
if (!values['no-write'] && !replaying) {
  await writeBenchmarkBlock(join(repoRoot, 'BENCHMARKS.md'), 'org-benchmark', 'Org benchmark (`npm run bench`)', table);
  process.stderr.write('BENCHMARKS.md updated\n');
}
