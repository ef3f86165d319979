// The built server (dist/) in a process of its own, started as an operator or the container
// starts it, with helpers to wait for it and read what it logged.
import { request } from 'node:http';
import { startServer } from '../../src/dev/local-run/cluster.js';
import type { Replica } from '../../src/dev/local-run/cluster.js';
import { appPrivateKey } from '../../src/dev/local-run/start-local-app.js';

export { waitFor } from '../../src/dev/local-run/cluster.js';

export type ServerProcess = Pick<Replica, 'child' | 'port' | 'output' | 'exited'>;

/** `argv` defaults to the plain server; the container test passes the Dockerfile's CMD. */
export function startServerProcess(
  env: Record<string, string>,
  argv: readonly string[] = ['dist/app/main.js'],
): Promise<ServerProcess> {
  return startServer(
    { APP_ID: '1', PRIVATE_KEY: appPrivateKey(), ...env },
    { argv, health: '/ping', timeoutMs: 20_000 },
  );
}

export async function ping(port: number): Promise<string | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/ping`);
  return response.ok ? response.text() : undefined;
}

/**
 * Streams `totalBytes` of body to the webhook path in 1 MiB chunks, as an attacker would, with
 * or without a Content-Length, and returns the status the server answered (or 'reset').
 */
export function streamBody(
  port: number,
  totalBytes: number,
  options: { contentLength?: boolean; headers?: Record<string, string> } = {},
): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': 'attack',
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      ...options.headers,
    };
    if (options.contentLength) headers['content-length'] = String(totalBytes);
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/github/webhooks', headers },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
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
