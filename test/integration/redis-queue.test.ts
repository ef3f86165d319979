// The Redis pieces against a real redis-server of the test's own: the fleet's content budget
// decides exactly as the in-process rule does, pending runs merge and survive a claim, and the
// BullMQ queue coalesces, serialises, answers every command and forgets an uninstalled
// installation. Two queue instances on one Redis stand for two replicas.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { takeFor } from '../support/pre-reads.js';
import { nextWriteAt } from '../../src/github/content-budget.js';
import { redisServerPath, startRedisServer, waitFor } from '../../src/dev/local-run/cluster.js';
import { SEEN_TAGS_REFRESH_MS, createRedisSeenTags } from '../../src/scale/redis-seen-tags.js';
import { SEEN_TAGS_KEPT } from '../../src/trust/seen-tags.js';
import { joinFleet } from '../../src/scale/fleet-presence.js';
import { recoveringConnection } from '../../src/github/create-octokit.js';
import Bottleneck from 'bottleneck';
import type { RedisServer } from '../../src/dev/local-run/cluster.js';
import { seededRandom } from '../../src/dev/fake-github/synthesize-org.js';
import { createBullRunQueue, fleetBacklogReader, queueNameOf } from '../../src/scale/bullmq-run-queue.js';
import type { PendingRun } from '../../src/queue/pending-run.js';
import { MAX_REPLIES } from '../../src/queue/pending-run.js';
import { createRedisContentBudget } from '../../src/scale/redis-content-budget.js';
import { claimPendingRun, claimReleases, mergePendingRuns } from '../../src/scale/redis-pending-runs.js';
import { redisKey } from '../../src/scale/redis-keys.js';
import type { RunQueue, RunQueueHandlers } from '../../src/queue/run-queue.js';
import { createRedisSharedCache, throughSharedCache } from '../../src/scale/shared-cache.js';
import { createRedisDashboardStore } from '../../src/scale/redis-dashboard-store.js';
import { OrgDashboards } from '../../src/jobs/org-dashboard.js';
import type { GitHubClient } from '../../src/github/github-client.js';
import { withSharedDigests, withSharedResolutions } from '../../src/scale/shared-resolutions.js';
import { refKey } from '../../src/resolve/types.js';
import type { RefRequest } from '../../src/resolve/types.js';
import type { CommitSha } from '../../src/common/commit-sha.js';
import { imageKey } from '../../src/images/image-digests.js';
import { parseImageRef } from '../../src/images/image-reference.js';
import type { ImageRef } from '../../src/images/image-reference.js';
import { connectFleet } from '../../src/scale/fleet.js';
import { createPreReads } from '../../src/queue/pre-reads.js';
import type { RepositoryRead } from '../../src/github/read-repository.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { PRE_READ_MARK_BYTES, withSharedPreReads } from '../../src/scale/redis-pre-reads.js';
import { createFakeState, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { startLocalApp } from '../../src/dev/local-run/start-local-app.js';
import { INSTALLATION_ID } from '../../src/dev/fake-github/fake-state.js';
import { installationCreated, push } from '../../src/dev/local-run/webhook-payloads.js';

let server: RedisServer;
let redis: Redis;
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const INSTALL = { trigger: 'install', pushed: false } as const;
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!redisServerPath())('pinwarden on Redis', () => {
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it("sends the content budget's script by its SHA, its text only once Redis has lost it", async () => {
    await redis.script('FLUSH');
    await redis.config('RESETSTAT');
    const budget = createRedisContentBudget(redis, { msPerSecond: 1 });
    for (let index = 0; index < 5; index += 1) await budget.reserve('installation-sha');
    const stats = await redis.info('commandstats');
    const calls = (command: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    // Before: five EVALs, each with the whole script. Now: one EVAL with the text, after Redis
    // answered the first EVALSHA with NOSCRIPT (a refused call, not counted), then four EVALSHAs.
    expect(calls('eval')).toBe(1);
    expect(calls('evalsha')).toBe(4);
  });

  it('reserves write slots exactly as the in-process rule does, on any history', async () => {
    const limits = { perMinute: 5, perHour: 12 };
    const random = seededRandom(7);
    let now = 1_000_000;
    const budget = createRedisContentBudget(redis, { limits, msPerSecond: 1, now: () => now });
    const history: number[] = [];
    for (let index = 0; index < 400; index += 1) {
      now += Math.floor(random() * 40);
      const expected = nextWriteAt(history, now, limits, 1);
      history.push(expected);
      history.sort((a, b) => a - b);
      expect(await budget.reserve('installation-a')).toBe(expected - now);
    }
    // Another installation's budget is its own.
    expect(await budget.reserve('installation-b')).toBe(0);
  });

  it('a clustered limiter whose state Redis lost (restarted empty) recreates it instead of failing every job', async () => {
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    const connection = recoveringConnection(new Bottleneck.IORedisConnection({ client }));
    const limiter = new Bottleneck({ id: 'pinwarden-test-recover', datastore: 'ioredis', connection, minTime: 2 });
    try {
      expect(await limiter.schedule(async () => 'before')).toBe('before');
      await redis.flushall();
      expect(await limiter.schedule(async () => 'after')).toBe('after');
    } finally {
      await connection.disconnect(false);
      client.disconnect();
    }
  });

  it('remembers the first commit of each release tag for the whole fleet, whichever replica saw it first', async () => {
    const replicaA = createRedisSeenTags(redis);
    const other = new Redis(server.url, { maxRetriesPerRequest: null });
    const replicaB = createRedisSeenTags(other);
    const first = 'a'.repeat(40);
    const moved = 'b'.repeat(40);
    expect(await replicaA.remember('Acme/Tool', [{ tag: 'v1.0.0', commit: first }])).toEqual(
      new Map([['v1.0.0', first]]),
    );
    // Another replica, later, after the tag moved: it is told the first commit, and a new tag is recorded.
    expect(
      await replicaB.remember('acme/tool', [
        { tag: 'v1.0.0', commit: moved },
        { tag: 'v1.1.0', commit: moved },
      ]),
    ).toEqual(
      new Map([
        ['v1.0.0', first],
        ['v1.1.0', moved],
      ]),
    );
    expect(await redis.pttl('pinwarden:seen-tags:acme/tool')).toBeGreaterThan(100 * 86_400_000);
    expect(await replicaA.remember('acme/other', [])).toEqual(new Map());
    await other.quit();
  });

  it('asks Redis for a tag a replica has not seen, and for the expiry once an hour, but answers what it was told from its own copy', async () => {
    let clock = 0;
    const pipelines = vi.spyOn(redis, 'pipeline');
    try {
      const replica = createRedisSeenTags(redis, { now: () => clock });
      const first = 'c'.repeat(40);
      const moved = 'd'.repeat(40);
      await replica.remember('acme/cached', [{ tag: 'v2.0.0', commit: first }]);
      expect(pipelines).toHaveBeenCalledTimes(1);
      // The tag moved since, and another replica recorded nothing new: the first commit, from memory.
      await redis.hset('pinwarden:seen-tags:acme/cached', 'v2.0.0', moved);
      expect(await replica.remember('acme/cached', [{ tag: 'v2.0.0', commit: moved }])).toEqual(
        new Map([['v2.0.0', first]]),
      );
      expect(pipelines).toHaveBeenCalledTimes(1);
      // A tag it has not seen goes to Redis.
      expect(
        await replica.remember('acme/cached', [
          { tag: 'v2.0.0', commit: moved },
          { tag: 'v2.1.0', commit: moved },
        ]),
      ).toEqual(
        new Map([
          ['v2.0.0', first],
          ['v2.1.0', moved],
        ]),
      );
      expect(pipelines).toHaveBeenCalledTimes(2);
      // An hour on, the hash's expiry is pushed on again.
      await redis.pexpire('pinwarden:seen-tags:acme/cached', 60_000);
      clock += SEEN_TAGS_REFRESH_MS;
      await replica.remember('acme/cached', [{ tag: 'v2.0.0', commit: moved }]);
      expect(pipelines).toHaveBeenCalledTimes(3);
      expect(await redis.pttl('pinwarden:seen-tags:acme/cached')).toBeGreaterThan(100 * 86_400_000);
    } finally {
      pipelines.mockRestore();
    }
  });

  it("answers Redis's first commit for a tag past its own copy's bound", async () => {
    const replica = createRedisSeenTags(redis);
    const commit = 'e'.repeat(40);
    const many = Array.from({ length: SEEN_TAGS_KEPT.tagsPerRepository }, (_, index) => ({
      tag: `v0.${index}`,
      commit,
    }));
    await replica.remember('acme/many', many);
    // Another replica recorded this tag first: past the bound, its answer still comes from Redis.
    const first = 'f'.repeat(40);
    await redis.hset('pinwarden:seen-tags:acme/many', 'v9.9.9', first);
    expect(await replica.remember('acme/many', [{ tag: 'v9.9.9', commit }])).toEqual(new Map([['v9.9.9', first]]));
  });

  it('merges pending runs atomically: strongest trigger, every reply once, found again after a claim', async () => {
    await mergePendingRuns(redis, [{ repositoryKey: '1:o/a', request: { trigger: 'push' } }]);
    await mergePendingRuns(redis, [
      { repositoryKey: '1:o/a', request: { trigger: 'command', reply: { issueNumber: 3, login: 'mona' } } },
    ]);
    await mergePendingRuns(redis, [
      { repositoryKey: '1:o/a', request: { trigger: 'install', reply: { issueNumber: 3, login: 'mona' } } },
    ]);
    await mergePendingRuns(redis, [
      { repositoryKey: '1:o/a', request: { trigger: 'push', reply: { issueNumber: 4, login: 'hubot' } } },
    ]);
    const claimed = await claimPendingRun(redis, '1:o/a', 'runs-1', 'job-1');
    expect(claimed?.trigger).toBe('command');
    expect(claimed?.replies).toEqual(
      expect.arrayContaining([
        { issueNumber: 3, login: 'mona' },
        { issueNumber: 4, login: 'hubot' },
      ]),
    );
    expect(claimed?.replies).toHaveLength(2);
    // An event after the claim waits for the next job; the claimed job, retried, finds its own.
    await mergePendingRuns(redis, [{ repositoryKey: '1:o/a', request: { trigger: 'push' } }]);
    expect(await claimPendingRun(redis, '1:o/a', 'runs-1', 'job-1')).toEqual(claimed);
    const releases = claimReleases(redis);
    releases.release('runs-1', 'job-1');
    await releases.flush();
    expect(await redis.exists(redisKey('claimed', 'runs-1', 'job-1'))).toBe(0);
    expect((await claimPendingRun(redis, '1:o/a', 'runs-1', 'job-2'))?.trigger).toBe('push');
    expect(await claimPendingRun(redis, '1:o/a', 'runs-1', 'job-3')).toBeUndefined();
  });

  it('says when a push joined a run an install outranks, and still keeps every reply up to the cap', async () => {
    await mergePendingRuns(redis, [{ repositoryKey: '1:o/joined', request: { trigger: 'install' } }]);
    expect(await claimPendingRun(redis, '1:o/joined', 'runs-1', 'job-20')).toEqual({
      trigger: 'install',
      replies: [],
      pushed: false,
    });
    await mergePendingRuns(redis, [
      { repositoryKey: '1:o/joined', request: { trigger: 'install' } },
      { repositoryKey: '1:o/joined', request: { trigger: 'push' } },
      ...Array.from({ length: MAX_REPLIES + 5 }, (_, index) => ({
        repositoryKey: '1:o/joined',
        request: { trigger: 'command' as const, reply: { issueNumber: index + 1, login: 'mona' } },
      })),
    ]);
    const claimed = await claimPendingRun(redis, '1:o/joined', 'runs-1', 'job-21');
    expect(claimed?.trigger).toBe('command');
    expect(claimed?.pushed).toBe(true);
    expect(claimed?.replies).toHaveLength(MAX_REPLIES);
  });

  it("releases ended runs' claims together a moment later, in one command", async () => {
    const jobs = ['job-7', 'job-8', 'job-9'];
    for (const job of jobs) {
      await mergePendingRuns(redis, [{ repositoryKey: `1:o/${job}`, request: { trigger: 'push' } }]);
      expect((await claimPendingRun(redis, `1:o/${job}`, 'runs-1', job))?.trigger).toBe('push');
    }
    const held = () => redis.exists(...jobs.map((job) => redisKey('claimed', 'runs-1', job)));
    expect(await held()).toBe(3);
    await redis.config('RESETSTAT');
    const releases = claimReleases(redis, { flushMs: 30 });
    for (const job of jobs) releases.release('runs-1', job);
    // Not yet: they wait to go with the others.
    expect(await held()).toBe(3);
    await vi.waitFor(async () => expect(await held()).toBe(0), { timeout: 2_000, interval: 10 });
    const stats = await redis.info('commandstats');
    expect(/cmdstat_unlink:calls=(\d+)/.exec(stats)?.[1]).toBe('1');
    expect(stats).not.toMatch(/cmdstat_del:/);
  });

  it('keeps answers in the shared cache for their TTL and asks only for the rest', async () => {
    const cache = createRedisSharedCache(redis);
    const asked: string[][] = [];
    const ask = async (missing: readonly string[]) => {
      asked.push([...missing]);
      return new Map(missing.map((key) => [key, key === 'failing' ? 'failed' : `answer ${key}`]));
    };
    const ttl = (answer: string) => (answer === 'failed' ? undefined : 60_000);
    expect([...(await throughSharedCache(cache, '9:refs', ['a', 'b', 'failing'], ask, ttl))]).toEqual([
      ['a', 'answer a'],
      ['b', 'answer b'],
      ['failing', 'failed'],
    ]);
    expect([...(await throughSharedCache(cache, '9:refs', ['a', 'c', 'failing'], ask, ttl)).values()]).toEqual([
      'answer a',
      'answer c',
      'failed',
    ]);
    expect(asked).toEqual([
      ['a', 'b', 'failing'],
      ['c', 'failing'],
    ]);
    await cache.forget(9);
    expect(await cache.getMany('9:refs', ['a', 'b', 'c'])).toEqual([undefined, undefined, undefined]);
  });

  it('lets a second replica use the refs and digests the first resolved, not the failures', async () => {
    const cache = createRedisSharedCache(redis);
    const asked: string[] = [];
    const refs = {
      resolve: async (requests: readonly RefRequest[]) =>
        new Map(
          requests.map(
            (request) => (
              asked.push(refKey(request)),
              [
                refKey(request),
                request.ref === 'gone'
                  ? { status: 'failed' as const, reason: 'x' }
                  : {
                      status: 'resolved' as const,
                      sha: 'a'.repeat(40) as CommitSha,
                      refType: 'tag' as const,
                      tag: request.ref,
                      tagsOnCommit: [request.ref],
                      ambiguous: false,
                    },
              ]
            ),
          ),
        ),
    };
    const digests = {
      stats: () => ({ asked: 0, fromCache: 0, requests: 0, byMethod: {} }),
      resolve: async (images: readonly ImageRef[]) =>
        new Map(
          images.map(
            (image) => (
              asked.push(imageKey(image)),
              [
                imageKey(image),
                {
                  status: 'resolved' as const,
                  digest: `sha256:${'b'.repeat(64)}`,
                  mediaType: undefined,
                  method: 'HEAD' as const,
                },
              ]
            ),
          ),
        ),
    };
    const wanted = [
      { owner: 'actions', repo: 'checkout', ref: 'v4' },
      { owner: 'actions', repo: 'checkout', ref: 'gone' },
    ];
    const image = parseImageRef('node:24');
    if (!image.ok) throw new Error(image.reason);
    for (const _replica of [1, 2]) {
      await withSharedResolutions(refs, cache, 12).resolve(wanted);
      await withSharedDigests(digests, cache, '[]').resolve([image.image]);
    }
    expect(asked).toEqual([
      'actions/checkout@v4',
      'actions/checkout@gone',
      'docker.io/library/node:24',
      'actions/checkout@gone',
    ]);
    await cache.forget(12);
  });

  /** The dashboard's repository as GitHub keeps it: its issues, and every write in order. */
  const dashboardGitHub = () => {
    const issues: { number: number; body: string; author: { __typename: string } }[] = [];
    const writes: string[] = [];
    const github = {
      rest: {
        repos: { get: async () => ({ data: {} }) },
        issues: {
          createLabel: async () => ({}),
          create: async (input: { body: string }) => (
            writes.push('create'),
            issues.push({ number: issues.length + 1, body: input.body, author: { __typename: 'Bot' } }),
            { data: { number: issues.length } }
          ),
          update: async (input: { issue_number: number; body: string }) => (
            writes.push('update'),
            (issues.find((issue) => issue.number === input.issue_number)!.body = input.body),
            { data: {} }
          ),
        },
      },
      graphql: async () => ({ repository: { issues: { nodes: issues } } }),
    } as unknown as GitHubClient;
    return { github, issues, writes };
  };
  const dashboardStatus = (repository: string) => ({
    repository,
    state: 'pull-request-open' as const,
    serious: [],
    dependabot: 'in-pull-request' as const,
  });

  it("writes one organisation dashboard from both replicas' runs", async () => {
    const { github, issues, writes } = dashboardGitHub();
    const store = createRedisDashboardStore(redis);
    const [one, two] = [1, 2].map(() => new OrgDashboards({ intervalMs: 0, log: quiet, store }));
    const status = dashboardStatus;
    one!.know(11, github, 'octo-org', ['octo-org/a', 'octo-org/b', 'octo-org/c'], async () => 1);
    one!.record(11, github, 'octo-org', status('octo-org/a'), async () => 1);
    two!.record(11, github, 'octo-org', status('octo-org/b'), async () => 1);
    await Promise.all([one!.flush(), two!.flush()]);
    await one!.flush();
    await two!.flush();
    // One issue, however the two replicas' writes fell, and it counts both replicas' runs.
    expect(issues).toHaveLength(1);
    expect(writes.filter((write) => write === 'create')).toHaveLength(1);
    expect(issues[0]!.body).toContain('2 of 3 repositories read');
    await store.forget(11);
    expect(await store.read(11)).toEqual({ statuses: [], repositories: 0 });
  });

  it("writes an installation's dashboard once an interval from the whole fleet, and the runs of the interval after it", async () => {
    await redis.flushall();
    const { github, issues, writes } = dashboardGitHub();
    const store = createRedisDashboardStore(redis);
    const [one, two] = [1, 2].map(() => new OrgDashboards({ intervalMs: 1_500, log: quiet, store }));
    one!.know(13, github, 'octo-org', ['octo-org/a', 'octo-org/b'], async () => 0);
    one!.record(13, github, 'octo-org', dashboardStatus('octo-org/a'), async () => 0);
    await waitFor(
      async () => writes.length === 1 || undefined,
      () => 'the first write',
      5_000,
      20,
    );
    // The other replica's run ends within the interval: not written now, however soon it asks...
    two!.record(13, github, 'octo-org', dashboardStatus('octo-org/b'), async () => 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(writes).toEqual(['create']);
    // ...but once the interval is over, with both replicas' runs.
    await waitFor(
      async () => writes.length === 2 || undefined,
      () => 'the second write',
      5_000,
      50,
    );
    expect(writes).toEqual(['create', 'update']);
    expect(issues[0]!.body).toContain('2 of 2 repositories read');
    await store.forget(13);
  });

  it('runs an install on two replicas from what its scan read: no run reads its repository again', async () => {
    await redis.flushall();
    const fleets = await Promise.all(
      [0, 1].map(() => connectFleet(server.url, { concurrency: 2, debounceMs: 0, log: quiet })),
    );
    const state = createFakeState();
    const repositories = Array.from({ length: 8 }, (_, index) =>
      seedRepository(state, {
        fullName: `octo-org/svc-${index}`,
        files: {
          '.github/workflows/ci.yml':
            'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n',
        },
      }),
    );
    const fake = await startFakeGitHub({ state });
    const ran: string[][] = [[], []];
    const apps = await Promise.all(
      fleets.map((fleet, index) =>
        startLocalApp(fake, {
          runQueue: fleet.runQueue,
          sharedCache: fleet.sharedCache,
          preReads: fleet.preReads,
          seenTags: fleet.seenTags,
          debounceMs: 0,
          onOutcome: (repository) => void ran[index]!.push(repository),
        }),
      ),
    );
    try {
      expect((await apps[0]!.deliver('installation', installationCreated(repositories))).status).toBe(200);
      await waitFor(
        async () => ran.flat().length === repositories.length || undefined,
        () => `${ran.flat().length} of ${repositories.length} runs`,
        20_000,
        50,
      );
      const { byRoute } = fake.counts();
      // The scan read them all (one query); each run took that read, on whichever replica ran it.
      expect(byRoute['POST /graphql (pinwardenReadRepositories)']).toBe(1);
      expect(byRoute['POST /graphql (pinwardenReadRepository)']).toBeUndefined();
      expect(Number(await redis.get('pinwarden:pre-read-bytes'))).toBe(0);
    } finally {
      for (const app of apps) {
        await app.stop();
        await app.pinwarden.close();
      }
      await fake.close();
      for (const fleet of fleets) await fleet.close();
    }
  });

  it("drops an uninstalled installation's queued runs and cached answers when GitHub says so", async () => {
    const fleet = await connectFleet(server.url, { concurrency: 2, debounceMs: 60_000, log: quiet });
    const state = createFakeState();
    const repositories = ['web', 'api'].map((name) =>
      seedRepository(state, {
        fullName: `octo-org/${name}`,
        files: {
          '.github/workflows/ci.yml':
            'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n',
        },
      }),
    );
    const fake = await startFakeGitHub({ state });
    const app = await startLocalApp(fake, {
      runQueue: fleet.runQueue,
      sharedCache: fleet.sharedCache,
      debounceMs: 60_000,
    });
    try {
      for (const repository of repositories)
        expect((await app.deliver('push', push(repository, { modified: ['.github/workflows/ci.yml'] }))).status).toBe(
          200,
        );
      await fleet.sharedCache.setMany(`${INSTALLATION_ID}:refs`, [
        { key: 'actions/checkout@v4', value: { status: 'resolved' }, ttlMs: 60_000 },
      ]);
      expect((await app.pinwarden.queueDepths()).get(INSTALLATION_ID)).toBe(2);
      expect(await redis.keys(`pinwarden:pending:${INSTALLATION_ID}:*`)).toHaveLength(2);
      const deleted = { ...installationCreated([]), action: 'deleted' };
      expect((await app.deliver('installation', deleted)).status).toBe(200);
      expect((await app.pinwarden.queueDepths()).get(INSTALLATION_ID)).toBeUndefined();
      expect(await redis.keys(`pinwarden:pending:${INSTALLATION_ID}:*`)).toEqual([]);
      expect(await redis.keys(`pinwarden:cache:${INSTALLATION_ID}:*`)).toEqual([]);
      expect(await redis.keys(`pinwarden:runs-${INSTALLATION_ID}:*`)).toEqual([]);
    } finally {
      await app.stop();
      await app.pinwarden.close();
      await fake.close();
      await fleet.close();
    }
  });

  describe('what a scan wave read, shared by the fleet', () => {
    const read = (text: string): Extract<RepositoryRead, { status: 'read' }> => ({
      status: 'read',
      repositoryId: 'R_1',
      defaultBranch: 'main',
      headSha: 'a'.repeat(40),
      files: [{ path: '.github/workflows/ci.yml', text, located: locateUsesSites(text, 'workflow') }],
      unreadPaths: [],
      unreadable: [],
      dependabot: undefined,
      configText: undefined,
      actionsLock: undefined,
      pinBranch: undefined,
      pullRequest: undefined,
      attentionIssue: undefined,
      findingsIssue: undefined,
    });
    const replicas = (budgetBytes?: number) =>
      [0, 1].map(() => withSharedPreReads(createPreReads(), redis, budgetBytes === undefined ? {} : { budgetBytes }));

    it('serves one run in the fleet: the replica that read it with the files located, any other from Redis', async () => {
      await redis.flushall();
      const [a, b] = replicas();
      // With the image files its run will pin: they travel whole, the Kyverno path's answer too.
      const images = {
        settings: '[[],"k.yaml"]',
        read: {
          files: [{ path: 'Dockerfile', kind: 'dockerfile' as const, text: 'FROM node:20\n' }],
          unreadable: [],
          notes: ['a note'],
          also: [{ path: 'k.yaml', text: null }],
        },
      };
      await a!.keep(12, 'O/Web', { ...read('on: push\n'), images }, Date.now());
      const taken = await takeFor(b!, 12, 'o/web', INSTALL);
      expect(taken?.status === 'read' && taken.files).toEqual([
        { path: '.github/workflows/ci.yml', text: 'on: push\n' },
      ]);
      expect(taken?.status === 'read' && taken.images).toEqual(images);
      // Served once: the replica that read it finds its own copy spent.
      expect(await takeFor(a!, 12, 'o/web', INSTALL)).toBeUndefined();
      expect(await takeFor(b!, 12, 'o/web', INSTALL)).toBeUndefined();

      await a!.keep(12, 'o/web', read('on: pull_request\n'), Date.now());
      const here = await takeFor(a!, 12, 'o/web', INSTALL);
      expect(here?.status === 'read' && here.files[0]!.located).toBeDefined();
      expect(await takeFor(b!, 12, 'o/web', INSTALL)).toBeUndefined();
      expect(Number(await redis.get('pinwarden:pre-read-bytes'))).toBe(0);
    });

    it("serve a later read another replica kept over this replica's own older one", async () => {
      await redis.flushall();
      const [a, b] = replicas();
      await a!.keep(12, 'o/again', read('on: push\n'), Date.now());
      // A second scan, on the other replica, read the repository again before its run.
      await b!.keep(12, 'o/again', read('on: pull_request\n'), Date.now());
      const taken = await takeFor(a!, 12, 'o/again', INSTALL);
      expect(taken?.status === 'read' && taken.files.map((file) => file.text)).toEqual(['on: pull_request\n']);
      expect(await takeFor(b!, 12, 'o/again', INSTALL)).toBeUndefined();
      // A copy that does not read as a gzipped read (a damaged value) is read afresh, never a crash.
      await redis.set('pinwarden:pre-read-marked:12:o/odd', Buffer.from('0123456789abcdef not gzip'));
      expect(await takeFor(a!, 12, 'o/odd', INSTALL)).toBeUndefined();
    });

    it('are taken by the replica that read them without downloading their copy, and their scripts go by SHA', async () => {
      await redis.flushall();
      const [a] = replicas();
      // Once, so that Redis knows both scripts (a first call after a flush sends the text).
      await a!.keep(12, 'o/warm', read('on: push\n'), Date.now());
      await takeFor(a!, 12, 'o/warm', INSTALL);
      await redis.config('RESETSTAT');
      // Text gzip cannot shrink, so the copy in Redis is as large as the read.
      const text = randomBytes(150_000).toString('base64');
      await a!.keep(12, 'o/large', read(text), Date.now());
      const sent = async () => Number(/total_net_output_bytes:(\d+)/.exec(await redis.info('stats'))![1]);
      const before = await sent();
      const here = await takeFor(a!, 12, 'o/large', INSTALL);
      expect(here?.status === 'read' && here.files[0]!.text).toBe(text);
      // Before: the take downloaded the whole gzipped copy (about 200 kB) only to drop it.
      expect((await sent()) - before).toBeLessThan(20_000);
      expect(await redis.exists('pinwarden:pre-read-marked:12:o/large')).toBe(0);
      const stats = await redis.info('commandstats');
      expect(Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0)).toBe(2);
      expect(/cmdstat_eval:/.test(stats)).toBe(false);
    });

    it('sends the copy only while another replica is alive: alone, the token goes without it', async () => {
      await redis.flushall();
      let others = false;
      const [a, b] = [0, 1].map(() => withSharedPreReads(createPreReads(), redis, { othersAlive: async () => others }));
      await a!.keep(12, 'o/alone', read('on: push\n'), Date.now());
      expect(await redis.exists('pinwarden:pre-read-marked:12:o/alone')).toBe(1);
      expect(await redis.strlen('pinwarden:pre-read-marked:12:o/alone')).toBe(PRE_READ_MARK_BYTES);
      // A replica that joined since reads that repository for itself; the read still serves one run.
      expect(await takeFor(b!, 12, 'o/alone', INSTALL)).toBeUndefined();
      expect(await takeFor(a!, 12, 'o/alone', INSTALL)).toBeUndefined();
      // Alone, the replica that read it takes its own copy.
      await a!.keep(12, 'o/own', read('on: push\n'), Date.now());
      expect(await takeFor(a!, 12, 'o/own', INSTALL)).toBeDefined();
      others = true;
      await a!.keep(12, 'o/shared', read('on: push\n'), Date.now());
      expect(await redis.strlen('pinwarden:pre-read-marked:12:o/shared')).toBeGreaterThan(PRE_READ_MARK_BYTES);
      expect(await takeFor(b!, 12, 'o/shared', INSTALL)).toBeDefined();
    });

    it("knows whether another replica is alive from the replicas' beats", async () => {
      await redis.flushall();
      let clock = 1_000_000;
      const settings = { beatMs: 60_000, cacheMs: 0, now: () => clock };
      const a = joinFleet(redis, settings);
      try {
        await tick(50);
        expect(await a.othersAlive()).toBe(false);
        const b = joinFleet(redis, settings);
        await tick(50);
        expect(await a.othersAlive()).toBe(true);
        await b.close();
        expect(await a.othersAlive()).toBe(false);
        const c = joinFleet(redis, settings);
        await tick(50);
        // Three intervals without a beat: gone, although it never said goodbye.
        clock += 3 * settings.beatMs + 1;
        expect(await a.othersAlive()).toBe(false);
        await c.close();
      } finally {
        await a.close();
      }
    });

    it('asks Redis once for every caller that asks while the question is on its way', async () => {
      await redis.flushall();
      const a = joinFleet(redis, { cacheMs: 0 });
      const b = joinFleet(redis);
      try {
        await tick(50);
        await redis.config('RESETSTAT');
        // A wave's keeps ask all at once; before, each sent its own ZRANGEBYSCORE (200 a wave).
        expect(new Set(await Promise.all(Array.from({ length: 20 }, () => a.othersAlive())))).toEqual(new Set([true]));
        const stats = await redis.info('commandstats');
        expect(Number(/cmdstat_zrangebyscore:calls=(\d+)/.exec(stats)?.[1] ?? 0)).toBe(1);
        // Once answered, the next question is asked afresh (here nothing is kept: cacheMs 0).
        await b.close();
        expect(await a.othersAlive()).toBe(false);
      } finally {
        await a.close();
      }
    });

    it('keeps no more than its budget in Redis, and a push or command run reads afresh', async () => {
      await redis.flushall();
      const [a, b] = replicas(40);
      await a!.keep(12, 'o/big', read('x'.repeat(2_000)), Date.now());
      expect(await redis.exists('pinwarden:pre-read-marked:12:o/big')).toBe(0);
      expect(await takeFor(b!, 12, 'o/big', INSTALL)).toBeUndefined();
      // Over the fleet's budget it stays with the replica that read it.
      expect(await takeFor(a!, 12, 'o/big', INSTALL)).toBeDefined();

      const [c, d] = replicas();
      await c!.keep(12, 'o/api', read('on: push\n'), Date.now());
      expect(await takeFor(d!, 12, 'o/api', { trigger: 'push', pushed: true })).toBeUndefined();
      expect(await takeFor(c!, 12, 'o/api', INSTALL)).toBeUndefined();
      await c!.keep(12, 'o/api', read('on: push\n'), Date.now());
      await c!.forget(12);
      expect(await redis.keys('pinwarden:pre-read-marked:12:*')).toEqual([]);
      expect(await takeFor(d!, 12, 'o/api', INSTALL)).toBeUndefined();
    });
  });

  describe('the BullMQ run queue, two replicas on one Redis', () => {
    const runs: { replica: number; repository: string; pending: PendingRun }[] = [];
    let running = new Map<string, number>();
    let overlap = false;
    let gate: Promise<void> = Promise.resolve();
    const handlers = (replica: number): RunQueueHandlers => ({
      async run(_installationId, repository, claimed) {
        const pending = await claimed;
        if (!pending) return;
        const key = `${repository.owner}/${repository.name}`;
        running.set(key, (running.get(key) ?? 0) + 1);
        overlap ||= running.get(key)! > 1;
        await gate;
        await tick(30);
        runs.push({ replica, repository: key, pending });
        running.set(key, running.get(key)! - 1);
      },
      scan: async () => scanWaves,
      async scanWave(_installationId, wave, read) {
        await read;
        waves.push({ replica, wave: wave.join(','), runsBefore: runs.length });
        if (wave.includes('o/slow')) await gate;
      },
      async readWave(_installationId, wave) {
        reads.push(wave.join(','));
        if (wave.includes('o/slow')) await readGate;
        return { repositories: new Map(), images: Promise.resolve(new Map()) };
      },
    });
    const reads: string[] = [];
    let readGate: Promise<void> = Promise.resolve();
    let scanWaves: string[][] = [];
    const waves: { replica: number; wave: string; runsBefore: number }[] = [];
    let queues: RunQueue[] = [];
    beforeAll(async () => {
      await redis.flushall();
      queues = [1, 2].map((replica) =>
        createBullRunQueue(handlers(replica), {
          connection: redis,
          concurrency: 2,
          debounceMs: 150,
          lockMs: 5_000,
          rescanMs: 200,
          log: quiet,
        }),
      );
    });
    afterAll(async () => {
      await Promise.all(queues.map((queue) => queue.close()));
    });

    it('joins events that arrive while a run waits, whichever replica took them, and answers every command', async () => {
      runs.length = 0;
      await queues[0]!.submit({ installationId: 7, owner: 'o', name: 'web', trigger: 'push', priority: 2 });
      await queues[1]!.submit({
        installationId: 7,
        owner: 'O',
        name: 'Web',
        trigger: 'command',
        reply: { issueNumber: 5, login: 'mona' },
        priority: 1,
      });
      await queues[0]!.submit({
        installationId: 7,
        owner: 'o',
        name: 'web',
        trigger: 'push',
        reply: { issueNumber: 6, login: 'hubot' },
        priority: 2,
      });
      await queues[0]!.idle();
      expect(runs).toHaveLength(1);
      expect(runs[0]!.pending.trigger).toBe('command');
      expect(runs[0]!.pending.replies).toHaveLength(2);
    });

    it('never runs a repository twice at once: an event during a run makes exactly one more after it', async () => {
      runs.length = 0;
      running = new Map();
      overlap = false;
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      await queues[0]!.submit({ installationId: 7, owner: 'o', name: 'api', trigger: 'push', priority: 2 });
      const deadline = Date.now() + 5_000;
      while ((running.get('o/api') ?? 0) === 0 && Date.now() < deadline) await tick(20);
      expect(running.get('o/api')).toBe(1);
      for (const queue of [queues[0]!, queues[1]!, queues[0]!])
        await queue.submit({ installationId: 7, owner: 'o', name: 'api', trigger: 'push', priority: 2 });
      open();
      await queues[1]!.idle();
      expect(overlap).toBe(false);
      expect(runs.map((run) => run.repository)).toEqual(['o/api', 'o/api']);
    });

    it("queues a wave's runs in a few writes to Redis, and they run as if queued one by one", async () => {
      runs.length = 0;
      running = new Map();
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      const wave = Array.from({ length: 60 }, (_, index) => ({
        installationId: 17,
        owner: 'w',
        name: `r${index}`,
        trigger: 'install' as const,
        priority: index < 5 ? 3 : 5,
      }));
      // A command for one of them arrives first: the wave's install joins it.
      await queues[1]!.submit({
        installationId: 17,
        owner: 'w',
        name: 'r7',
        trigger: 'command',
        reply: { issueNumber: 9, login: 'mona' },
        priority: 1,
      });
      const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
      const writes = vi.spyOn(stream, 'write');
      await queues[0]!.submitAll(wave);
      const written = writes.mock.calls.length;
      writes.mockRestore();
      // One by one, each run was two writes of its own (its pending run, its job): 120. Now a few
      // for the wave, and the announcement (the worker starting for the installation writes too).
      expect(written).toBeLessThanOrEqual(20);
      open();
      await queues[0]!.idle();
      expect(runs.map((run) => run.repository).sort()).toEqual(wave.map((request) => `w/${request.name}`).sort());
      const r7 = runs.find((run) => run.repository === 'w/r7')!;
      expect(r7.pending).toEqual({ trigger: 'command', replies: [{ issueNumber: 9, login: 'mona' }], pushed: false });
      expect(runs.find((run) => run.repository === 'w/r3')!.pending.trigger).toBe('install');
    });

    it('holds an installation to its concurrency across replicas, and runs another installation beside it', async () => {
      runs.length = 0;
      running = new Map();
      gate = Promise.resolve();
      let peak = 0;
      const sampler = setInterval(
        () =>
          (peak = Math.max(
            peak,
            [...running.entries()].filter(([key, count]) => key.startsWith('big/') && count > 0).length,
          )),
        5,
      );
      for (let index = 0; index < 12; index += 1)
        await queues[index % 2]!.submit({
          installationId: 8,
          owner: 'big',
          name: `r${index}`,
          trigger: 'install',
          priority: 5,
        });
      await queues[1]!.submit({ installationId: 9, owner: 'small', name: 'one', trigger: 'push', priority: 2 });
      await queues[0]!.idle();
      clearInterval(sampler);
      expect(peak).toBeLessThanOrEqual(2);
      expect(runs.filter((run) => run.repository.startsWith('big/'))).toHaveLength(12);
      // The small installation's push did not wait for the big one's twelve runs.
      expect(runs.findIndex((run) => run.repository === 'small/one')).toBeLessThan(8);
    });

    it("reads a scan's waves as jobs of their own, one after another: each queues the next once it is read", async () => {
      waves.length = 0;
      reads.length = 0;
      let open!: () => void;
      let openRead!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      readGate = new Promise((resolve) => (openRead = resolve));
      scanWaves = [['o/a'], ['o/slow', 'o/b'], ['o/c'], ['o/d']];
      await queues[0]!.scan(14, undefined);
      const deadline = Date.now() + 5_000;
      while (reads.length < 2 && Date.now() < deadline) await tick(20);
      await tick(500);
      // The second wave's read is under way: no other wave is taken meanwhile.
      expect(reads).toEqual(['o/a', 'o/slow,o/b']);
      openRead();
      // Once it is read, the next waves are read while it is still located (at the gate).
      while (reads.length < 4 && Date.now() < deadline) await tick(20);
      expect(reads).toEqual(['o/a', 'o/slow,o/b', 'o/c', 'o/d']);
      expect(waves.filter((wave) => wave.wave === 'o/slow,o/b')).toHaveLength(1);
      open();
      await queues[0]!.idle();
      expect(waves.map((wave) => wave.wave).sort()).toEqual(['o/a', 'o/c', 'o/d', 'o/slow,o/b']);
      expect(reads).toHaveLength(4);
      // The last wave dropped the scan's list, and its place.
      expect(await redis.keys('pinwarden:scan-waves:14:*')).toEqual([]);
      expect(await redis.hkeys('pinwarden:scan-waves-at')).toEqual([]);
    });

    it("reads a scan's second wave once its first is scanned: the first warms the installation's caches alone", async () => {
      waves.length = 0;
      reads.length = 0;
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      readGate = Promise.resolve();
      scanWaves = [['o/slow', 'o/first'], ['o/second'], ['o/third']];
      await queues[1]!.scan(19, undefined);
      const deadline = Date.now() + 5_000;
      while (reads.length < 1 && Date.now() < deadline) await tick(20);
      await tick(500);
      // Read, and located at the gate: before, the second and third waves were read meanwhile.
      expect(reads).toEqual(['o/slow,o/first']);
      open();
      await queues[1]!.idle();
      expect(reads).toEqual(['o/slow,o/first', 'o/second', 'o/third']);
      expect(waves.map((wave) => wave.wave)).toEqual(['o/slow,o/first', 'o/second', 'o/third']);
    });

    it('resumes a scan whose wave ended without queueing the next (a replica of a version before chains took it)', async () => {
      waves.length = 0;
      reads.length = 0;
      gate = Promise.resolve();
      readGate = Promise.resolve();
      // As such a replica leaves it: the scan's list, its place at the first wave, and that wave's
      // job gone (done without queueing the second).
      const list = 'pinwarden:scan-waves:18:old';
      await redis.rpush(list, JSON.stringify(['o/first']), JSON.stringify(['o/second']), JSON.stringify(['o/third']));
      await redis.hset('pinwarden:scan-waves-at', list, '18 0 no-such-job');
      await redis.sadd('pinwarden:installations', '18');
      const deadline = Date.now() + 5_000;
      while (reads.length < 2 && Date.now() < deadline) await tick(50);
      await queues[0]!.idle();
      expect(reads).toEqual(['o/second', 'o/third']);
      expect(await redis.exists(list)).toBe(0);
      expect(await redis.hkeys('pinwarden:scan-waves-at')).toEqual([]);
    });

    it('holds a wave back while more runs wait than two waves queue, and reads it once they are taken', async () => {
      runs.length = 0;
      waves.length = 0;
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      for (let index = 0; index < 8; index += 1)
        await queues[index % 2]!.submit({
          installationId: 15,
          owner: 'held',
          name: `r${index}`,
          trigger: 'install',
          priority: 5,
        });
      // Past the debounce: two runs take the installation's two slots and wait at the gate, six wait.
      await tick(400);
      scanWaves = [['held/w']];
      await queues[1]!.scan(15, undefined);
      await tick(1_000);
      expect(waves).toEqual([]);
      open();
      await queues[0]!.idle();
      expect(waves.map((wave) => wave.wave)).toEqual(['held/w']);
      // Read once fewer than two runs (a one-repository wave's two waves) waited: of eight, two ran and at most one waited.
      expect(waves[0]!.runsBefore).toBeGreaterThanOrEqual(5);
      expect(runs).toHaveLength(8);
    });

    it("reads the fleet's backlog with one queue an installation, however often it is asked", async () => {
      const waiting = new Queue(queueNameOf(21), { connection: redis, prefix: 'pinwarden' });
      const connection = redis.duplicate();
      // A BullMQ queue asks Redis its version (INFO) when it is opened, on the connection it is given.
      const versionAsked = vi.spyOn(connection, 'info');
      const reader = fleetBacklogReader(connection);
      try {
        await redis.sadd('pinwarden:installations', '21');
        await waiting.add('run', {}, { delay: 60_000 });
        const first = await reader.read();
        // One queue for each installation this Redis knows (the other tests' too).
        const opened = versionAsked.mock.calls.length;
        expect(opened).toBeGreaterThan(0);
        // Installation 21's delayed run is counted.
        expect(first).toBeGreaterThanOrEqual(1);
        for (let index = 0; index < 4; index += 1) await reader.read();
        // Before: each read opened (and closed) its queues again.
        expect(versionAsked).toHaveBeenCalledTimes(opened);
      } finally {
        await reader.close();
        connection.disconnect();
        await waiting.obliterate({ force: true });
        await waiting.close();
        await redis.srem('pinwarden:installations', '21');
      }
    });

    it('forgets an uninstalled installation: its waiting runs and pending requests are gone', async () => {
      runs.length = 0;
      gate = new Promise(() => {});
      for (let index = 0; index < 6; index += 1)
        await queues[0]!.submit({
          installationId: 10,
          owner: 'gone',
          name: `r${index}`,
          trigger: 'install',
          priority: 5,
        });
      await queues[0]!.forget(10);
      await queues[1]!.forget(10);
      expect(await queues[0]!.backlog(10)).toBe(0);
      expect(await redis.keys('pinwarden:pending:10:*')).toEqual([]);
      expect(await redis.sismember('pinwarden:installations', '10')).toBe(0);
      gate = Promise.resolve();
    });
  });
});
