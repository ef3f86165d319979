// One benchmark variant in a process of its own (its peak memory is its own), against a fake
// GitHub started by the orchestrator: `pinwarden` (the app, installation webhook to pull
// requests), `pinwarden-dry` (the same, reading and planning only) or `naive` (the same pipeline
// with the per-occurrence REST resolver). Prints one JSON line with what it measured.
import { parseArgs } from 'node:util';
import type { JobOutcome } from '../../jobs/job-outcome.js';
import { createConfigLoader } from '../../github/load-config.js';
import { runRepositoryJob } from '../../jobs/pin-repository-job.js';
import PQueue from 'p-queue';
import { createTokenOctokit } from '../../github/create-octokit.js';
import { startLocalApp } from '../local-run/start-local-app.js';
import { installationCreated } from '../local-run/webhook-payloads.js';
import type { GitHubClient } from '../../github/github-client.js';
import { naiveResolverFor } from './naive-resolver.js';
import { orgRepositoryNames } from '../fake-github/synthesize-org.js';
import { startFakeRegistry } from '../fake-registry/fake-registry-server.js';
import { corpusImages } from '../fake-registry/corpus-images.js';
import { mainThreadCpuSeconds } from './process-cpu.js';

const { values } = parseArgs({
  options: {
    variant: { type: 'string' },
    fake: { type: 'string' },
    repos: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    'ms-per-second': { type: 'string', default: '1' },
    // The App's default: container images pinned too, digests asked of a loopback registry.
    images: { type: 'string', default: 'on' },
    // The App's default too: the signatures beside each digest read (the corpus's images have none).
    signatures: { type: 'string', default: 'on' },
    // The corpus the organisation was made from: its images are what the loopback registry serves.
    corpus: { type: 'string' },
  },
});
const imagesOn = values.images !== 'off';
if (imagesOn && !values.corpus)
  throw new Error('run-variant: images on needs --corpus DIR (the images the registry serves)');
const msPerSecond = Number(values['ms-per-second']);
const repositories = orgRepositoryNames(Number(values.repos));
const concurrency = Number(values.concurrency);
const outcomes: Record<string, number> = {};
const count = (outcome: JobOutcome | undefined) => {
  const key = outcome
    ? outcome.status === 'pull-request'
      ? `pull-request ${outcome.action}`
      : outcome.status
    : 'failed';
  outcomes[key] = (outcomes[key] ?? 0) + 1;
};
let peakRss = 0;
let peakHeap = 0;
let atPeak: NodeJS.MemoryUsage | undefined;
// The peak resident size is the kernel's (getrusage, read at the end); the breakdown is sampled
// every 250 ms for the heap at its peak. Sampling every 20 ms cost 0.4 CPU seconds of a
// 10,000-repository run (reading /proc each time), counted as pinwarden's.
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  if (usage.rss > peakRss) atPeak = usage;
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 250);
const started = performance.now();
const cpuStarted = process.cpuUsage();
let registry: Awaited<ReturnType<typeof startFakeRegistry>> | undefined;

if (values.variant === 'pinwarden' || values.variant === 'pinwarden-dry') {
  // Time is scaled (1 ms per GitHub second, unless --ms-per-second says otherwise) for Octokit's pacing and retries; latency is real.
  registry = imagesOn ? await startFakeRegistry({ images: await corpusImages(values.corpus!) }) : undefined;
  const app = await startLocalApp(
    { url: values.fake! },
    {
      ...(registry
        ? {
            images: {
              mirrors: [`*=${registry.url}/{registry}`],
              ...(values.signatures !== 'off'
                ? { signatures: async () => 'the benchmark serves no signatures to verify' }
                : {}),
            },
          }
        : {}),
      msPerSecond,
      debounceMs: 0,
      concurrency,
      dryRun: values.variant === 'pinwarden-dry',
      onOutcome: (_repository, outcome) => count(outcome),
    },
  );
  const delivery = await app.deliver('installation', installationCreated(repositories));
  if (delivery.status !== 200) throw new Error(`webhook answered ${delivery.status}`);
  await app.pinwarden.idle();
  await app.stop();
} else if (values.variant === 'naive') {
  const github = createTokenOctokit({
    token: 'bench',
    baseUrl: values.fake!,
    msPerRetrySecond: msPerSecond,
  }) as unknown as GitHubClient;
  const deps = {
    github,
    resolver: naiveResolverFor(github),
    loadConfig: createConfigLoader(),
    log: { info: () => {}, warn: () => {}, debug: () => {} },
    webUrl: 'https://github.com',
  };
  const queue = new PQueue({ concurrency });
  await Promise.all(
    repositories.map((repository) =>
      queue.add(() => runRepositoryJob(deps, repository, 'install').then(count, () => count(undefined))),
    ),
  );
} else {
  throw new Error(`unknown variant ${values.variant}`);
}
clearInterval(sampler);
const wallMs = performance.now() - started;
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
const cpu = process.cpuUsage(cpuStarted);
// Since the process started (its start-up included, unlike cpuSeconds): a share, not a total.
const mainThread = await mainThreadCpuSeconds();
const images = registry ? { registryRequests: registry.counts().total } : undefined;
await registry?.close();
process.stdout.write(
  `${JSON.stringify({ variant: values.variant, wallMs, cpuSeconds: (cpu.user + cpu.system) / 1e6, mainThreadCpuSeconds: mainThread, images, peakRssBytes: peakRss, peakHeapBytes: peakHeap, memoryAtPeak: atPeak, outcomes })}\n`,
);
process.exit(0);
