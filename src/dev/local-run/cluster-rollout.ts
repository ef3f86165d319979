// One rollout on a loopback fleet, start to finish: Redis, the fake organisation, N replicas,
// the installation webhook, optionally a SIGKILL of the first replica once `killAfter` pull
// requests exist (and its restart), then the wait until every replica's queue is empty, and the
// check of the outcome. `npm run demo:cluster`, its integration test and the replicas benchmark.
import { orgRepositoryNames } from '../fake-github/synthesize-org.js';
import { corpusImages } from '../fake-registry/corpus-images.js';
import { Redis } from 'ioredis';
import { fleetBacklogReader } from '../../scale/bullmq-run-queue.js';
import { startFakeRegistry } from '../fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../fake-registry/fake-registry-server.js';
import { pullRequestsOf, startFakeOrg, startRedisServer, startReplica, waitFor } from './cluster.js';
import { appPrivateKey, deliverWebhook } from './start-local-app.js';
import type { Child, FakeOrg, RedisServer, Replica } from './cluster.js';
import { checkRollout, repositoriesToPin } from './cluster-check.js';
import type { RolloutCheck } from './cluster-check.js';
import { installationCreated } from './webhook-payloads.js';

export interface ClusterRolloutOptions {
  readonly refs: string;
  readonly corpus: string;
  readonly orgSize: number;
  readonly replicas: number;
  readonly timeScale: number;
  /** SIGKILL the replica with the most runs once this many repositories have a pull request, then start it again. */
  readonly killAfter?: number;
  readonly latencyMs?: number;
  /** Read and plan only (PINWARDEN_DRY_RUN=1): no pull requests, so no check of them. */
  readonly dryRun?: boolean;
  readonly say?: (line: string) => void;
  /**
   * Each replica writes a CPU profile here (`--cpu-prof`) when it is stopped: with this set, replicas
   * are stopped with SIGTERM (they drain and exit, and the profile is written), not SIGKILL.
   */
  readonly profileDir?: string;
}

export interface ClusterRollout {
  readonly redis: RedisServer;
  readonly fake: FakeOrg;
  /** The loopback registry serving the corpus's images, which every replica asks. */
  readonly registry: FakeRegistry;
  /** Running now (the restarted one in place of the killed one). */
  readonly replicas: Replica[];
  readonly killed: Replica | undefined;
  /** The replica started in the killed one's place (its counters begin at the restart). */
  readonly restarted: Replica | undefined;
  readonly killedAt: number | undefined;
  /** Runs the killed replica had finished when it died (it had more in flight). */
  readonly killedRuns: number;
  /** Undefined for a dry run. */
  readonly check: RolloutCheck | undefined;
  /** From the webhook to the empty queue. */
  readonly rolloutMs: number;
  stop(): Promise<void>;
}

/** Runs waiting or running, as a replica's /metrics says. */

export async function rollOutOnCluster(options: ClusterRolloutOptions): Promise<ClusterRollout> {
  const say = options.say ?? (() => {});
  const started: Child[] = [];
  let registry: FakeRegistry | undefined;
  /** Replicas that write a profile: stopped with SIGTERM first, so they exit and write it. */
  const stoppedGently: Child[] = [];
  const stop = async () => {
    await Promise.all(stoppedGently.map((child) => child.stop('SIGTERM')));
    await Promise.all([...started.map((child) => child.stop('SIGKILL')), registry?.close()]);
  };
  try {
    registry = await startFakeRegistry({ images: await corpusImages(options.corpus) });
    if (!options.dryRun)
      say(`working out which of ${options.orgSize} repositories have something to pin (a single-process dry run)…`);
    const expected = options.dryRun
      ? new Set<string>()
      : await repositoriesToPin({ ...options, registryUrl: registry.url });
    const redis = await startRedisServer();
    started.push(redis);
    const fake = await startFakeOrg(options);
    started.push(fake);
    say(
      `redis-server on ${redis.url}; fake GitHub on ${fake.url}, installation ${fake.installationId} of ${fake.owner}, ${expected.size} repositories to pin; fake registry on ${registry.url}`,
    );
    const settings = {
      fake,
      redisUrl: redis.url,
      registryUrl: registry.url,
      secret: 'pinwarden-cluster-secret',
      privateKey: appPrivateKey(),
      timeScale: options.timeScale,
      env: {
        ...(options.dryRun ? { PINWARDEN_DRY_RUN: '1' } : {}),
        ...(options.profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${options.profileDir}` } : {}),
      },
    };
    const replicas = await Promise.all(Array.from({ length: options.replicas }, () => startReplica(settings)));
    started.push(...replicas);
    if (options.profileDir) stoppedGently.push(...replicas);
    say(
      `${replicas.length} replicas: ${replicas.map((replica) => replica.url).join(', ')} (PINWARDEN_TIME_SCALE=${options.timeScale})`,
    );
    const began = performance.now();
    const { status } = await deliverWebhook(
      replicas[0]!.url,
      settings.secret,
      'installation',
      installationCreated(orgRepositoryNames(options.orgSize)),
    );
    if (status !== 200) throw new Error(`the installation webhook was answered ${status}`);
    say('installation webhook delivered');
    const opened = async () =>
      [...(await pullRequestsOf(fake.url, fake.owner)).values()].filter((pulls) => pulls.length > 0).length;
    let killed: Replica | undefined;
    let restarted: Replica | undefined;
    let killedAt: number | undefined;
    let killedRuns = 0;
    if (options.killAfter !== undefined) {
      await waitFor(
        async () => (await opened()) >= options.killAfter! || undefined,
        () => `${options.killAfter} pull requests`,
        120_000,
        200,
      );
      // The replica that dies is one with runs in flight: the one that has taken the most so far.
      // (Not "each replica has taken runs": the installation's global slots go to whichever worker
      // asks first, and a replica busy scanning the waves may ask last every time — a race, not a fault.)
      const runsOf = (replica: Replica) =>
        replica.output().match(/"msg":"(?:pull request created|nothing to pin)"/g)?.length ?? 0;
      const victim = replicas.reduce(
        (most, replica, index) => (runsOf(replica) > runsOf(replicas[most]!) ? index : most),
        0,
      );
      killedAt = await opened();
      killed = replicas[victim]!;
      killedRuns = runsOf(killed);
      await killed.stop('SIGKILL');
      say(`SIGKILL to replica ${victim + 1} (${killedRuns} runs taken) with ${killedAt} pull requests open`);
      replicas[victim] = restarted = await startReplica(settings);
      if (options.profileDir) stoppedGently.push(replicas[victim]);
      started.push(replicas[victim]);
      say(`replica ${victim + 1} started again on ${replicas[victim].url}`);
    }
    // The end is read from Redis itself, every 100 ms: a replica's /metrics keeps its answer a
    // second, which made the benchmark's clock a one-second one.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const fleetBacklog = fleetBacklogReader(connection);
    let backlog = -1;
    try {
      await waitFor(
        async () => (backlog = await fleetBacklog.read()) === 0 || undefined,
        () =>
          `the queue to empty (${backlog} runs and scans left; ${replicas
            .map((replica) =>
              replica
                .output()
                .split('\n')
                .filter((line) => /"level":(40|50)/.test(line))
                .slice(-3)
                .join('\n'),
            )
            .join('\n')})`,
        300_000,
        100,
      );
    } finally {
      await fleetBacklog.close().catch(() => undefined);
      connection.disconnect();
    }
    const rolloutMs = performance.now() - began;
    const msPerSecond = Math.max(1, Math.round(1000 / options.timeScale));
    const check = options.dryRun ? undefined : await checkRollout(fake.url, fake.owner, expected, msPerSecond);
    return { redis, fake, registry, replicas, killed, restarted, killedAt, killedRuns, check, rolloutMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
