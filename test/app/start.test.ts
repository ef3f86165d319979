// `npm start` as an operator runs it: the built server (dist/, made by `npm test`'s build step)
// in its own process, configured only by environment variables, pointed at the fake GitHub as
// a GitHub Enterprise host. Health check, a signed webhook, and a pull request at the end.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createFakeState, findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { installationCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { deliverWebhook } from '../../src/dev/local-run/start-local-app.js';
import { duplicateKeys } from '../support/json-keys.js';
import { fixturesDir, repoRoot } from '../support/paths.js';
import { ping, startServerProcess, streamBody, waitFor } from '../support/server-process.js';
import { redisServerPath, startRedisServer } from '../../src/dev/local-run/cluster.js';
import type { ServerProcess } from '../support/server-process.js';

let server: ServerProcess | undefined;
let fake: FakeGitHub | undefined;
afterEach(async () => {
  server?.child.kill('SIGKILL');
  await fake?.close();
  server = undefined;
  fake = undefined;
});

const WORKFLOW = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';

async function fakeWithRepository(latencyMs = 0): Promise<FakeGitHub> {
  const state = createFakeState(loadRefsDir(join(fixturesDir, 'demo', 'refs')));
  seedRepository(state, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': WORKFLOW } });
  return startFakeGitHub({ state, latencyMs });
}

function fakeEnv(github: FakeGitHub, secret: string): Record<string, string> {
  return {
    WEBHOOK_SECRET: secret,
    GHE_HOST: new URL(github.url).host,
    GHE_PROTOCOL: 'http',
    PINWARDEN_DEBOUNCE_MS: '0',
  };
}

async function deliverInstall(port: number, github: FakeGitHub, secret: string): Promise<number> {
  return (
    await deliverWebhook(
      `http://127.0.0.1:${port}`,
      secret,
      'installation',
      installationCreated([findRepository(github.state, 'octo-org', 'web')!]),
      'start-1',
    )
  ).status;
}

it('starts from environment variables, answers /ping, and opens a pull request for a signed webhook', async () => {
  fake = await fakeWithRepository();
  // Trace: the most any operator can turn on must still log no secret.
  server = await startServerProcess({ ...fakeEnv(fake, 'start-test-secret'), LOG_LEVEL: 'trace' });
  expect(await deliverInstall(server.port, fake, 'start-test-secret')).toBe(200);
  const web = findRepository(fake.state, 'octo-org', 'web')!;
  await waitFor(
    async () => (pullRequests(web).length > 0 ? true : undefined),
    () => 'the pull request',
  );
  expect(pullRequests(web)).toHaveLength(1);
  await waitFor(
    async () => (web.snapshots.length > 0 ? true : undefined),
    () => 'the dependency snapshot',
  );
  // Three writes for a new pull request: branch, commit, pull request; after them, the findings
  // to code scanning and the inventory to the dependency graph.
  const writes = fake.requests.filter(
    (entry) => (entry.kind === 'rest-write' || entry.kind === 'graphql-write') && !entry.path.startsWith('/app/'),
  );
  expect(writes.map((entry) => entry.route)).toEqual([
    'POST /graphql (pinwardenPutBranch)',
    'POST /graphql (pinwardenCommit)',
    'POST /repos/{owner}/{repo}/pulls',
    'POST /repos/{owner}/{repo}/code-scanning/sarifs',
    'POST /repos/{owner}/{repo}/dependency-graph/snapshots',
  ]);
  // Through the Enterprise path prefix, as GHE_HOST makes it.
  expect(fake.requests.some((entry) => entry.path.startsWith('/repos/octo-org/web/'))).toBe(true);
  // Structured JSON logs: each key once a line, and no secret, signature, key or token in them.
  const lines = server
    .output()
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'));
  expect(lines.length).toBeGreaterThan(5);
  expect(lines.flatMap((line) => duplicateKeys(line).map((key) => `${key} in ${line.slice(0, 200)}`))).toEqual([]);
  const output = server.output();
  expect(output).not.toContain('start-test-secret');
  expect(output).not.toMatch(/sha256=[0-9a-f]{64}/);
  expect(output).not.toContain('x-hub-signature');
  expect(output).not.toContain('PRIVATE KEY');
  expect(output).not.toContain('ghs_fake_installation_token');
  expect(output.toLowerCase()).not.toContain('authorization');
});

it('refuses to start without WEBHOOK_SECRET', async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'app', 'main.js')], {
    env: { PATH: process.env.PATH, APP_ID: '1', PRIVATE_KEY: 'x' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('WEBHOOK_SECRET is not set');
});

it('an unsigned 100 MB body is refused with 413 while it streams; four 40 MB ones too; /ping answers throughout', async () => {
  server = await startServerProcess({ WEBHOOK_SECRET: 'attack-secret', GHE_HOST: '127.0.0.1:9', GHE_PROTOCOL: 'http' });
  const port = server.port;
  const pings: (string | undefined)[] = [];
  const pinging = setInterval(
    () =>
      void ping(port).then(
        (answer) => pings.push(answer),
        () => pings.push('failed'),
      ),
    50,
  );
  try {
    expect(await streamBody(port, 100 * 1024 * 1024)).toBe(413);
    // Together they are over what all bodies may hold at once: some are cut off by that bound
    // (503) before reaching their own limit (413). Either way nothing past the bound is held.
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => streamBody(port, 40 * 1024 * 1024)));
    expect(concurrent.every((status) => status === 413 || status === 503)).toBe(true);
    expect(concurrent).toContain(413);
    expect(
      await Promise.all([1, 2, 3, 4].map(() => streamBody(port, 40 * 1024 * 1024, { contentLength: true }))),
    ).toEqual([413, 413, 413, 413]);
  } finally {
    clearInterval(pinging);
  }
  expect(await ping(port)).toBe('PONG');
  expect(pings.length).toBeGreaterThan(0);
  expect(pings.every((answer) => answer === 'PONG')).toBe(true);
  expect(server.child.exitCode).toBeNull();
  // Refusals are warnings of one line each, without a stack trace (the child's log reaches us a
  // little after the answers do: wait for it).
  const refusalLines = () =>
    server!
      .output()
      .split('\n')
      .filter((line) => line.includes('webhook refused'));
  const refusals = await waitFor(
    async () => (refusalLines().length >= 9 ? refusalLines() : undefined),
    () => `9 refusal lines, got: ${refusalLines().length}`,
  );
  expect(refusals.every((line) => JSON.parse(line).level === 40 && !line.includes('stack'))).toBe(true);
});

it('the container command: SIGTERM lets the queued run finish, then the process exits 0', async () => {
  const dockerfile = await readFile(join(repoRoot, 'Dockerfile'), 'utf8');
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
  // npm start runs the same command, so what is tested here is what operators run either way.
  const packageJson = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(packageJson.scripts.start).toBe(cmd.join(' '));
  expect(cmd[0]).toBe('node');

  fake = await fakeWithRepository(150);
  server = await startServerProcess(fakeEnv(fake, 'drain-secret'), cmd);
  expect(await deliverInstall(server.port, fake, 'drain-secret')).toBe(200);
  // The run is under way (it has asked for a token and read), not finished: stop now.
  await waitFor(
    async () => (fake!.requests.some((entry) => entry.kind === 'graphql') ? true : undefined),
    () => 'the run to start',
  );
  const web = findRepository(fake.state, 'octo-org', 'web')!;
  expect(pullRequests(web)).toHaveLength(0);
  server.child.kill('SIGTERM');
  expect(await server.exited()).toBe(0);
  expect(pullRequests(web)).toHaveLength(1);
  const log = server.output();
  expect(log.indexOf('draining')).toBeGreaterThan(-1);
  expect(log.indexOf('drained; exiting')).toBeGreaterThan(log.indexOf('draining'));
});

it.skipIf(!redisServerPath())(
  'with Redis gone: a webhook is answered 503 at once, the log stays JSON, and SIGTERM exits within the drain limit',
  async () => {
    const redis = await startRedisServer();
    try {
      fake = await fakeWithRepository();
      server = await startServerProcess({
        ...fakeEnv(fake, 'redis-secret'),
        REDIS_URL: redis.url,
        PINWARDEN_DRAIN_MS: '3000',
      });
      await redis.stop();
      await waitFor(
        async () => (server!.output().includes('Redis connection error') ? true : undefined),
        () => 'the server to see Redis go',
        10_000,
      );
      const started = performance.now();
      expect(await deliverInstall(server.port, fake, 'redis-secret')).toBe(503);
      expect(performance.now() - started).toBeLessThan(5_000);
      const lines = server
        .output()
        .trim()
        .split('\n')
        .filter((line) => line.trim() !== '');
      // Every line pino's: no plain-text stack trace from a Redis client without a listener.
      expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
      server.child.kill('SIGTERM');
      expect(await server.exited()).toBe(0);
      expect(server.output()).toMatch(/drain did not end in time|drained; exiting/);
    } finally {
      await redis.stop().catch(() => undefined);
    }
  },
);

it('SIGTERM exits after PINWARDEN_DRAIN_MS even when a run is still going', async () => {
  fake = await fakeWithRepository(3_000);
  server = await startServerProcess({ ...fakeEnv(fake, 'slow-secret'), PINWARDEN_DRAIN_MS: '1000' });
  expect(await deliverInstall(server.port, fake, 'slow-secret')).toBe(200);
  await waitFor(
    async () => (fake!.requests.some((entry) => entry.kind === 'graphql') ? true : undefined),
    () => 'the run to start',
    20_000,
  );
  const stopped = performance.now();
  server.child.kill('SIGTERM');
  expect(await server.exited()).toBe(0);
  // Every request of the run takes 3 s: the run could not have finished, the bound ended it.
  expect(server.output()).toContain('drain did not end in time');
  expect(performance.now() - stopped).toBeLessThan(2_900);
});
