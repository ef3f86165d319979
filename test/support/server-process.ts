// The built server (dist/) in a process of its own, started as an operator or the container
// starts it, with helpers to wait for it and read what it logged.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { freePort } from '../../src/local-run/start-local-app.js';
import { repoRoot } from './paths.js';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  exited(): Promise<number | null>;
}

export const appPrivateKey = () => generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;

/** `argv` defaults to the plain server; the container test passes the Dockerfile's CMD. */
export async function startServerProcess(env: Record<string, string>, argv: readonly string[] = ['dist/app/main.js']): Promise<ServerProcess> {
  const port = await freePort();
  const [command = 'node', ...args] = argv[0] === 'node' ? argv : ['node', ...argv];
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', APP_ID: '1', PRIVATE_KEY: appPrivateKey(), HOST: '127.0.0.1', PORT: String(port), ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const server = { child, port, output: () => output, exited: () => exit };
  await waitFor(async () => ((await ping(port)) === 'PONG' ? true : undefined), () => `/ping (output so far: ${output})`);
  return server;
}

export async function ping(port: number): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/ping`);
  return response.ok ? response.text() : undefined;
}

export async function waitFor<T>(check: () => Promise<T | undefined>, what: () => string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Streams `totalBytes` of body to the webhook path in 1 MiB chunks, as an attacker would, with
 * or without a Content-Length, and returns the status the server answered (or 'reset').
 */
export function streamBody(port: number, totalBytes: number, options: { contentLength?: boolean; headers?: Record<string, string> } = {}): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'attack', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, ...options.headers };
    if (options.contentLength) headers['content-length'] = String(totalBytes);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/github/webhooks', headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', () => resolve('reset'));
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
