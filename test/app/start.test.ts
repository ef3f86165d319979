// `npm start` as an operator runs it: the built server (dist/, made by `npm test`'s build step)
// in its own process, configured only by environment variables, pointed at the fake GitHub as
// a GitHub Enterprise host. Health check, a signed webhook, and a pull request at the end.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createFakeState, findRepository, pullRequests, seedRepository } from '../../src/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/fake-github/load-refs.js';
import { installationCreated } from '../../src/local-run/webhook-payloads.js';
import { freePort } from '../../src/local-run/start-local-app.js';
import { fixturesDir, repoRoot } from '../support/paths.js';

let server: ChildProcess | undefined;
let fake: FakeGitHub | undefined;
afterEach(async () => {
  server?.kill('SIGTERM');
  await fake?.close();
  server = undefined;
  fake = undefined;
});

async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('starts from environment variables, answers /ping, and opens a pull request for a signed webhook', async () => {
  const state = createFakeState(await loadRefsDir(join(fixturesDir, 'demo', 'refs')));
  seedRepository(state, { fullName: 'octo-org/web', files: { '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n' } });
  fake = await startFakeGitHub({ state });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const port = await freePort();
  let output = '';
  server = spawn(process.execPath, [join(repoRoot, 'dist', 'app', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      APP_ID: '1',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: 'start-test-secret',
      HOST: '127.0.0.1',
      PORT: String(port),
      GHE_HOST: new URL(fake.url).host,
      GHE_PROTOCOL: 'http',
      PINWARDEN_DEBOUNCE_MS: '0',
      LOG_LEVEL: 'info',
    },
  });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const pong = await waitFor(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/ping`);
    return response.ok ? response.text() : undefined;
  }, `/ping (output so far: ${output})`);
  expect(pong).toBe('PONG');

  const body = JSON.stringify(installationCreated([findRepository(state, 'octo-org', 'web')!]));
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'installation', 'x-github-delivery': 'start-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', 'start-test-secret').update(body).digest('hex')}` },
    body,
  });
  expect(response.status).toBe(200);
  const web = findRepository(state, 'octo-org', 'web')!;
  await waitFor(async () => (pullRequests(web).length > 0 ? true : undefined), 'the pull request');
  expect(pullRequests(web)).toHaveLength(1);
  // Three writes for a new pull request: branch, commit, pull request.
  const writes = fake.requests.filter((entry) => (entry.kind === 'rest-write' || entry.kind === 'graphql-write') && !entry.path.startsWith('/app/'));
  expect(writes.map((entry) => entry.route)).toEqual(['POST /graphql (pinwardenPutBranch)', 'POST /graphql (pinwardenCommit)', 'POST /repos/{owner}/{repo}/pulls']);
  // Through the Enterprise path prefix, as Probot builds it from GHE_HOST.
  expect(fake.requests.some((entry) => entry.path.startsWith('/repos/octo-org/web/'))).toBe(true);
  // Structured JSON logs, with no secret in them.
  const lines = output.trim().split('\n').filter((line) => line.startsWith('{'));
  expect(lines.length).toBeGreaterThan(0);
  expect(output).not.toContain('start-test-secret');
  expect(output).not.toContain('PRIVATE KEY');
  expect(output).not.toContain('ghs_fake_installation_token');
});

it('refuses to start without WEBHOOK_SECRET when an app id is set', async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'app', 'main.js')], { env: { PATH: process.env.PATH, APP_ID: '1', PRIVATE_KEY: 'x' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('WEBHOOK_SECRET is not set');
});
