// The real app on loopback against the fake GitHub: pinwarden's webhook server (the one
// `npm start` runs) in front of a real Probot, a generated app key, and signed webhook deliveries.
// The demo, the app tests and the benchmark all start it here.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { Probot } from 'probot';
import { createPinwardenApp } from '../../app/pinwarden-app.js';
import type { PinwardenApp, PinwardenAppOptions } from '../../app/pinwarden-app.js';
import type { FakeGitHub } from '../fake-github/fake-github-server.js';
import { pinwardenOctokitClass } from '../../github/create-octokit.js';
import { answersOffThreadByDefault } from '../../parallel/fetch-off-thread.js';
import { startWebhookServer } from '../../server/webhook-server.js';

export const WEBHOOK_SECRET = 'pinwarden-local-secret';

export interface LocalApp {
  readonly url: string;
  readonly pinwarden: PinwardenApp;
  /** Delivers a signed webhook and returns GitHub's view of the answer. */
  deliver(
    event: string,
    payload: unknown,
    options?: { deliveryId?: string; secret?: string },
  ): Promise<{ status: number; ms: number; deliveryId: string }>;
  stop(): Promise<void>;
}

export async function startLocalApp(
  fake: Pick<FakeGitHub, 'url'>,
  options: PinwardenAppOptions & { log?: Logger; msPerSecond?: number } = {},
): Promise<LocalApp> {
  const privateKey = appPrivateKey();
  const log = options.log ?? pino({ level: 'silent' });
  const pinwarden = createPinwardenApp({ webUrl: 'https://github.com', debounceMs: 0, ...options });
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: WEBHOOK_SECRET,
    baseUrl: fake.url,
    log,
    // As the App: answers read off its thread when it has worker threads.
    Octokit: pinwardenOctokitClass(options.msPerSecond ?? 1, { answersOffThread: answersOffThreadByDefault() }),
  });
  await probot.load(pinwarden.app);
  const server = await startWebhookServer({ probot, secret: WEBHOOK_SECRET, host: '127.0.0.1', port: 0, log });
  const url = server.url;
  return {
    url,
    pinwarden,
    deliver: (event, payload, deliveryOptions = {}) =>
      deliverWebhook(url, deliveryOptions.secret ?? WEBHOOK_SECRET, event, payload, deliveryOptions.deliveryId),
    stop: () => server.close(),
  };
}

/**
 * A GitHub App private key of its own, for a server on loopback: it signs the app's JWTs for the
 * fake GitHub, which never checks them, so 1,024 bits do; 2,048 took 0.1-0.6 s of every local
 * start (up to a twentieth of the 1,000-repository dry run). A real App's key comes from its
 * settings on GitHub (PRIVATE_KEY), never from here.
 */
export function appPrivateKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 1024,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** A webhook delivered to a server at `url` as GitHub delivers it, signed with `secret`. */
export async function deliverWebhook(
  url: string,
  secret: string,
  event: string,
  payload: unknown,
  deliveryId: string = randomUUID(),
): Promise<{ status: number; ms: number; deliveryId: string }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const started = performance.now();
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': signature,
      'user-agent': 'GitHub-Hookshot/pinwarden-local',
    },
    body,
  });
  await response.text();
  return { status: response.status, ms: performance.now() - started, deliveryId };
}

/** A loopback port nothing listens on now, for servers started in another process. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
