// A whole fleet on loopback, every part in a process of its own as it runs for real: Debian's
// redis-server, the fake GitHub serving a synthetic organisation (`npm run fake-github -- --org-size`),
// and replicas of the built server started as the container starts it. The cluster demo, its
// integration test and the replicas benchmark use it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './start-local-app.js';

const root = join(import.meta.dirname, '..', '..', '..');
/** The container's command (Dockerfile CMD), run from the checkout. */
export const SERVER_ARGV = ['--max-semi-space-size=4', '--max-old-space-size=256', 'dist/app/main.js'];

export interface Child {
  readonly child: ChildProcess;
  output(): string;
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function track(child: ChildProcess): Child {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exit;
    },
  };
}

/** Where redis-server is: PINWARDEN_REDIS_SERVER, else Debian's path (redis-server, or valkey-server), else /usr/local/bin. */
export function redisServerPath(): string | undefined {
  const candidates = [
    process.env.PINWARDEN_REDIS_SERVER,
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
    '/usr/bin/valkey-server',
  ].filter((path): path is string => !!path);
  return candidates.find((path) => existsSync(path));
}

export interface RedisServer extends Child {
  readonly url: string;
  readonly port: number;
}

/** A Redis of its own on a free loopback port, nothing saved to disk. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server not found (apt-get install redis-server, or set PINWARDEN_REDIS_SERVER)');
  const port = await freePort();
  const child = track(
    spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  await waitFor(
    async () => child.output().includes('Ready to accept connections') || undefined,
    () => `redis-server (${child.output().slice(-500)})`,
    10_000,
  );
  return { ...child, url: `redis://127.0.0.1:${port}`, port };
}

export interface FakeOrg extends Child {
  readonly url: string;
  readonly host: string;
  readonly installationId: number;
  readonly owner: string;
}

/** `npm run fake-github -- --refs DIR --org-size N --seed S --corpus DIR`, its two lines read. */
export async function startFakeOrg(options: {
  refs: string;
  corpus: string;
  orgSize: number;
  seed?: number;
  latencyMs?: number;
}): Promise<FakeOrg> {
  const args = [
    join(root, 'dist-dev', 'dev', 'fake-github', 'main.js'),
    '--refs',
    options.refs,
    '--corpus',
    options.corpus,
    '--org-size',
    String(options.orgSize),
    '--seed',
    String(options.seed ?? 1),
    '--latency-ms',
    String(options.latencyMs ?? 0),
  ];
  const process_ = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const reader = createInterface({ input: process_.stdout! });
  const child = track(process_);
  await new Promise<void>((resolve, reject) => {
    reader.on('line', (line) => {
      lines.push(line);
      if (lines.length === 2) resolve();
    });
    process_.once('exit', (code) => reject(new Error(`fake GitHub exited with ${code}: ${child.output()}`)));
  });
  const url = lines[0]!.replace(/^listening /, '');
  const [, id = '0', owner = ''] = /^installation (\d+) (\S+)$/.exec(lines[1]!) ?? [];
  return { ...child, url, host: new URL(url).host, installationId: Number(id), owner };
}

export interface Replica extends Child {
  readonly port: number;
  readonly url: string;
}

export interface ReplicaSettings {
  readonly fake: Pick<FakeOrg, 'host'>;
  readonly redisUrl?: string;
  /** The registry every image is asked of (a loopback fake); without it, images are left alone. */
  readonly registryUrl?: string;
  readonly secret: string;
  readonly privateKey: string;
  readonly timeScale?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The built server in a process of its own, as an operator or the container starts it: `argv`
 * (the container's command by default) with `env` and nothing of this process's environment but
 * where programs are (a stray REDIS_URL must not leak in), on a free loopback port; resolves once
 * `health` answers.
 */
export async function startServer(
  env: Readonly<Record<string, string>>,
  options: { argv?: readonly string[]; health?: '/ready' | '/ping'; timeoutMs?: number } = {},
): Promise<Replica> {
  const port = await freePort();
  const [first, ...rest] = options.argv ?? SERVER_ARGV;
  const args = first === 'node' ? rest : [first!, ...rest];
  const path = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0] === 'PATH' && entry[1] !== undefined,
    ),
  );
  const child = track(
    spawn(process.execPath, args, {
      cwd: root,
      env: { ...path, NODE_ENV: 'production', ...env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const health = options.health ?? '/ready';
  await waitFor(
    async () =>
      (await fetch(`${url}${health}`).then(
        (response) => response.ok,
        () => false,
      )) || undefined,
    () => `${health} on ${port} (output so far: ${child.output().slice(-1000)})`,
    options.timeoutMs ?? 30_000,
  );
  return { ...child, port, url };
}

/** Every image asked of `registryUrl` (`{registry}`: its original host, a path there). */
export function registryMirror(registryUrl: string): string {
  return `*=${registryUrl}/{registry}`;
}

/** One replica of the server, as the container starts it, pointed at the fake as an Enterprise host. */
export function startReplica(settings: ReplicaSettings): Promise<Replica> {
  return startServer({
    APP_ID: '1',
    PRIVATE_KEY: settings.privateKey,
    WEBHOOK_SECRET: settings.secret,
    LOG_FORMAT: 'json',
    GHE_HOST: settings.fake.host,
    GHE_PROTOCOL: 'http',
    PINWARDEN_DEBOUNCE_MS: '0',
    PINWARDEN_DASHBOARD: '0',
    ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    // A fleet on loopback never asks a registry on the internet.
    ...(settings.registryUrl
      ? { PINWARDEN_REGISTRY_MIRRORS: registryMirror(settings.registryUrl) }
      : { PINWARDEN_IMAGES: '0' }),
    ...(settings.timeScale ? { PINWARDEN_TIME_SCALE: String(settings.timeScale) } : {}),
    ...settings.env,
  });
}

/** The installation's pull requests as any client reads them: REST, with any token. */
export async function pullRequestsOf(
  fakeUrl: string,
  owner: string,
): Promise<Map<string, { number: number; state: string; head: string }[]>> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${fakeUrl}${path}`, { headers: { authorization: 'token any' } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const repositories: string[] = [];
  for (let page = 1; ; page += 1) {
    const { repositories: listed } = await get<{ repositories: { full_name: string }[] }>(
      `/installation/repositories?per_page=100&page=${page}`,
    );
    repositories.push(...listed.map((repository) => repository.full_name));
    if (listed.length < 100) break;
  }
  const pulls = new Map<string, { number: number; state: string; head: string }[]>();
  for (const full of repositories.filter((name) => name.startsWith(`${owner}/`))) {
    const listed = await get<{ number: number; state: string; head: { ref: string } }[]>(
      `/repos/${full}/pulls?state=all&per_page=100`,
    );
    pulls.set(
      full,
      listed.map((pull) => ({ number: pull.number, state: pull.state, head: pull.head.ref })),
    );
  }
  return pulls;
}

/** Asks `check` until it answers (errors count as no answer); fails after `timeoutMs`, naming `what`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: () => string,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
