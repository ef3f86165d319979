// The fleet as it runs for real: Debian's redis-server, the fake GitHub serving a 200-repository
// organisation (`fake-github --org-size`), and two replicas of the built server started as the
// container starts it, on a scaled clock. The installation webhook goes to one replica; the other
// takes its share of the runs; one is SIGKILLed mid-rollout and started again. At the end every
// repository with something to pin has exactly one pinwarden pull request, none has two, none was
// forgotten, and no scaled minute or hour saw more writes than GitHub allows an installation.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { orgRepositoryNames, synthesizeOrg } from '../../src/bench/synthesize-org.js';
import { createFakeState, seedRepository } from '../../src/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/fake-github/load-refs.js';
import { GITHUB_CONTENT_LIMITS } from '../../src/github/content-budget.js';
import { appPrivateKey, deliverSigned, pullRequestsOf, redisServerPath, startFakeOrg, startRedisServer, startReplica, waitUntilAsync } from '../../src/local-run/cluster.js';
import type { Child, FakeOrg, RedisServer, Replica } from '../../src/local-run/cluster.js';
import { installationCreated } from '../../src/local-run/webhook-payloads.js';
import { startLocalApp } from '../../src/local-run/start-local-app.js';
import { PIN_BRANCH } from '../../src/app/read-repository.js';
import { corpusAvailable, corpusRefsDir, corpusWorkflowsDir, fixturesDir } from '../support/paths.js';

const ORG_SIZE = 200;
const TIME_SCALE = 600;
const MS_PER_SECOND = Math.round(1000 / TIME_SCALE);
// The shared corpus when it is there; the demo's repositories otherwise, so a bare clone runs this too.
const corpus = corpusAvailable ? corpusWorkflowsDir : join(fixturesDir, 'demo', 'repositories');
const refs = corpusAvailable ? corpusRefsDir : join(fixturesDir, 'demo', 'refs');

const started: Child[] = [];
afterAll(async () => {
  await Promise.all(started.map((child) => child.stop('SIGKILL')));
});

/** The repositories a single process (the default, in-memory) would open a pull request for: the oracle. */
async function repositoriesToPin(): Promise<Set<string>> {
  const refsData = await loadRefsDir(refs);
  const state = createFakeState(refsData);
  for (const repository of await synthesizeOrg({ repos: ORG_SIZE, seed: 1, corpusDir: corpus, refs: refsData })) {
    seedRepository(state, { fullName: `${repository.owner}/${repository.name}`, files: repository.files, archived: repository.archived });
  }
  const fake = await startFakeGitHub({ state });
  const writes = new Set<string>();
  const app = await startLocalApp(fake, { dryRun: true, onOutcome: (repository, outcome) => outcome.status === 'dry-run' && outcome.decision === 'write' && writes.add(repository) });
  await app.deliver('installation', installationCreated(orgRepositoryNames(ORG_SIZE)));
  await app.pinwarden.idle();
  await app.stop();
  await fake.close();
  return writes;
}

/** The most writes any window of `windowMs` held, over the times the fake saw them. */
function mostIn(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let end = 0, start = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

it.skipIf(!redisServerPath())('two replicas on one Redis pin a 200-repository organisation once each, through a SIGKILL', async () => {
  const expected = await repositoriesToPin();
  expect(expected.size).toBeGreaterThan(ORG_SIZE / 4);

  const redis: RedisServer = await startRedisServer();
  started.push(redis);
  const fake: FakeOrg = await startFakeOrg({ refs, corpus, orgSize: ORG_SIZE });
  started.push(fake);
  expect(fake.owner).toBe('bench-org');
  const settings = { fake, redisUrl: redis.url, secret: 'cluster-secret', privateKey: appPrivateKey(), timeScale: TIME_SCALE };
  const replicas: Replica[] = await Promise.all([startReplica(settings), startReplica(settings)]);
  started.push(...replicas);

  expect(await deliverSigned(replicas[0]!.url, settings.secret, 'installation', installationCreated(orgRepositoryNames(ORG_SIZE)))).toBe(200);
  const opened = async () => [...(await pullRequestsOf(fake.url, fake.owner)).values()].filter((pulls) => pulls.length > 0).length;
  await waitUntilAsync(async () => (await opened()) >= 30, () => 'the first 30 pull requests', 60_000, 200);
  // Both replicas take runs: each has logged pull requests of its own.
  await waitUntilAsync(async () => replicas.every((replica) => replica.output().includes('"msg":"pull request created"')), () => 'runs on both replicas', 30_000, 200);

  const killedAt = await opened();
  const killed = replicas[0]!;
  await killed.stop('SIGKILL');
  const restarted = await startReplica(settings);
  started.push(restarted);
  replicas[0] = restarted;
  expect(killedAt).toBeLessThan(expected.size);

  // Done when every replica says nothing waits or runs, and the pull requests stop changing.
  const depth = async (replica: Replica) => {
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    return [...text.matchAll(/^pinwarden_queue_depth\{installation="\d+"\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  };
  let depths: number[] = [];
  await waitUntilAsync(async () => (depths = await Promise.all(replicas.map(depth))).every((count) => count === 0), () => `the queue to empty (${killedAt} pull requests when one replica was killed; depths now ${depths.join(', ')}; ${replicas.map((replica) => replica.output().split('\n').filter((line) => /"level":(40|50)/.test(line)).slice(-3).join('\n')).join('\n')})`, 120_000, 500);

  const pulls = await pullRequestsOf(fake.url, fake.owner);
  const withPull = [...pulls].filter(([, list]) => list.length > 0).map(([repository]) => repository);
  expect(withPull.filter((repository) => !expected.has(repository))).toEqual([]);
  const forgotten = [...expected].filter((repository) => !withPull.includes(repository));
  // What the replicas logged of a forgotten repository, for whoever reads a failure.
  const logsOf = (repository: string) => [killed, ...replicas].flatMap((replica) => replica.output().split('\n').filter((line) => line.includes(`"${repository}"`)).map((line) => line.slice(0, 400)));
  expect(forgotten.map((repository) => ({ repository, logs: logsOf(repository) }))).toEqual([]);
  expect([...pulls].filter(([, list]) => list.length > 1).map(([repository]) => repository)).toEqual([]);
  expect([...pulls.values()].flat().every((pull) => pull.state === 'open' && pull.head === PIN_BRANCH)).toBe(true);

  // GitHub's content limits held for the installation across both replicas and the restart.
  const { requests } = (await (await fetch(`${fake.url}/_fake/counts`)).json()) as { requests: { at: number; kind: string; path: string }[] };
  const writes = requests.filter((entry) => (entry.kind === 'rest-write' || entry.kind === 'graphql-write') && !entry.path.startsWith('/app/')).map((entry) => entry.at).sort((a, b) => a - b);
  expect(writes.length).toBeGreaterThanOrEqual(3 * expected.size);
  expect(mostIn(writes, 60 * MS_PER_SECOND)).toBeLessThanOrEqual(GITHUB_CONTENT_LIMITS.perMinute);
  expect(mostIn(writes, 3600 * MS_PER_SECOND)).toBeLessThanOrEqual(GITHUB_CONTENT_LIMITS.perHour);

  // The operator's view: runs counted by outcome, and readiness that follows Redis.
  const metrics = await (await fetch(`${replicas[1]!.url}/metrics`)).text();
  expect(metrics).toMatch(/^pinwarden_runs_total\{outcome="pull-request-created"\} [1-9]\d*$/m);
  expect(metrics).toMatch(/^pinwarden_github_requests_total\{kind="graphql"\} [1-9]\d*$/m);
  expect((await fetch(`${replicas[1]!.url}/ready`)).status).toBe(200);
  await redis.stop('SIGKILL');
  await waitUntilAsync(async () => (await fetch(`${replicas[1]!.url}/ready`)).status === 503, () => '/ready to fail without Redis', 10_000);
}, 300_000);
