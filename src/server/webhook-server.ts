// pinwarden's HTTP edge: the one server of `npm start`, the demo and the tests. It does what
// Probot's server cannot: refuses a webhook before buffering it (size, headers, signature
// format), bounds the memory all unauthenticated bodies can hold together, checks the HMAC
// signature itself, and hands only signed JSON objects to Probot. GET /ping answers throughout.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Probot } from 'probot';
import { BodyPool, readBoundedBody } from './read-bounded-body.js';
import { createRefusalLog } from './refusal-log.js';
import type { Refusal, RefusalLogger } from './refusal-log.js';

/** GitHub caps webhook payloads at 25 MB and does not deliver larger ones. */
export const GITHUB_WEBHOOK_LIMIT = 25 * 1024 * 1024;

export interface WebhookServerOptions {
  readonly probot: Pick<Probot, 'receive'>;
  readonly secret: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly path?: string;
  readonly log: RefusalLogger & {
    info(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
  };
  readonly maxBodyBytes?: number;
  /** Bytes all bodies being read at once may hold together (default: two full-size webhooks). */
  readonly maxPendingBytes?: number;
  readonly bodyTimeoutMs?: number;
  /** How long a body may trickle or stall before it is cut off (tests shorten it). */
  readonly slowSenderGraceMs?: number;
  /** GET /metrics: the Prometheus text; answered from one collection at most once a second. */
  readonly metrics?: () => Promise<{ contentType: string; body: string }>;
  /** GET /ready: undefined when ready to take work, else why not (503). Without it, /ready is /ping. */
  readonly ready?: () => Promise<string | undefined>;
  /** Asked before each webhook, synchronously: why it cannot be taken now (Redis not connected), answered 503 at once. */
  readonly accepting?: () => string | undefined;
  /** A handler that has not answered within this is answered 503 (GitHub gives up after 10 s). */
  readonly handlerTimeoutMs?: number;
}

export interface WebhookServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops taking connections; resolves when open ones have ended. */
  close(): Promise<void>;
}

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const EVENT_NAME = /^[a-z_]{1,64}$/;
const DELIVERY_ID = /^[A-Za-z0-9-]{1,100}$/;
const DISCARD_GRACE_MS = 2_000;
/** GitHub waits 10 s for an answer; what is not handed on by 8 s is answered 503 instead of timing out. */
const HANDLER_TIMEOUT_MS = 8_000;

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const path = options.path ?? '/api/github/webhooks';
  const maxBytes = options.maxBodyBytes ?? GITHUB_WEBHOOK_LIMIT;
  const pool = new BodyPool(options.maxPendingBytes ?? 2 * maxBytes);
  const refused = createRefusalLog(options.log);

  const refuse = (
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    reason: string,
    close = false,
  ) => {
    const refusal: Refusal = { status, reason, remote: request.socket.remoteAddress };
    refused(refusal);
    if (status === 503) response.setHeader('retry-after', '5');
    if (close) {
      // The rest of a refused body is discarded as it arrives (never held), so the sender can read
      // the answer (closing at once resets the connection under a sender still writing); a
      // sender that goes on past a short grace is cut off.
      request.resume();
      const grace = setTimeout(() => {
        if (!request.complete) request.socket.destroy();
      }, DISCARD_GRACE_MS);
      grace.unref();
      request.once('end', () => clearTimeout(grace));
    }
    response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: reason })}\n`);
  };

  const handleWebhook = async (request: IncomingMessage, response: ServerResponse) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? undefined : value;
    };
    const event = header('x-github-event');
    const delivery = header('x-github-delivery');
    const signature = header('x-hub-signature-256');
    if (!/^application\/json\s*(;|$)/i.test(header('content-type') ?? ''))
      return refuse(request, response, 415, 'content-type must be application/json', true);
    if (!event || !EVENT_NAME.test(event))
      return refuse(request, response, 400, 'missing or malformed x-github-event', true);
    if (!delivery || !DELIVERY_ID.test(delivery))
      return refuse(request, response, 400, 'missing or malformed x-github-delivery', true);
    if (!signature || !SIGNATURE.test(signature))
      return refuse(request, response, 401, 'missing or malformed x-hub-signature-256', true);
    // Nowhere to put the work: said at once (GitHub shows the 503 and can redeliver), never a hang past its 10 s.
    const busy = options.accepting?.();
    if (busy) return refuse(request, response, 503, busy, true);

    const read = await readBoundedBody(request, {
      maxBytes,
      pool,
      timeoutMs: options.bodyTimeoutMs ?? 30_000,
      ...(options.slowSenderGraceMs ? { graceMs: options.slowSenderGraceMs } : {}),
    });
    if (!read.ok) return refuse(request, response, read.status, read.reason, true);
    const expected = createHmac('sha256', options.secret).update(read.body).digest();
    if (!timingSafeEqual(expected, Buffer.from(signature.slice('sha256='.length), 'hex')))
      return refuse(request, response, 401, 'signature does not match');

    let payload: unknown;
    try {
      payload = JSON.parse(read.body.toString('utf8'));
    } catch {
      return refuse(request, response, 400, 'body is not JSON');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return refuse(request, response, 400, 'payload is not a JSON object');

    try {
      const handled = options.probot.receive({ id: delivery, name: event, payload } as Parameters<
        Probot['receive']
      >[0]);
      const limit = options.handlerTimeoutMs ?? HANDLER_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limit)));
      const outcome = await Promise.race([handled.then(() => 'done' as const), late]).finally(() =>
        clearTimeout(timer),
      );
      if (outcome === 'late') {
        handled.catch((error: unknown) =>
          options.log.error({ err: error, event, id: delivery }, 'a webhook handler failed after its answer'),
        );
        return refuse(request, response, 503, `the handler did not finish within ${limit} ms`);
      }
    } catch (error) {
      options.log.error({ err: error, event, id: delivery }, 'a webhook handler failed');
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"handler failed"}\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  };

  // Anyone can reach this server: a burst of /metrics requests shares one collection.
  let metricsCache: { at: number; answer: Promise<{ contentType: string; body: string }> } | undefined;
  const metrics = () => {
    if (!metricsCache || Date.now() - metricsCache.at > 1_000)
      metricsCache = { at: Date.now(), answer: options.metrics!() };
    return metricsCache.answer;
  };
  const answerGet = (
    response: ServerResponse,
    work: Promise<{ status: number; contentType: string; body: string }>,
  ) => {
    work.then(
      ({ status, contentType, body }) => response.writeHead(status, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        options.log.error({ err: error }, 'answering a GET failed');
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end('failed\n');
      },
    );
  };

  const server = createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0];
    const isGet = request.method === 'GET' || request.method === 'HEAD';
    if (pathname === '/ping' && isGet) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    if (pathname === '/ready' && isGet) {
      answerGet(
        response,
        (options.ready?.() ?? Promise.resolve(undefined)).then((problem) =>
          problem
            ? { status: 503, contentType: 'text/plain', body: `not ready: ${problem}\n` }
            : { status: 200, contentType: 'text/plain', body: 'READY\n' },
        ),
      );
      return;
    }
    if (pathname === '/metrics' && isGet && options.metrics) {
      answerGet(
        response,
        metrics().then(({ contentType, body }) => ({ status: 200, contentType, body })),
      );
      return;
    }
    if (pathname !== path) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}\n');
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end('{"error":"POST only"}\n');
      return;
    }
    handleWebhook(request, response).catch((error: unknown) => {
      options.log.error({ err: error }, 'webhook request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  // Slow senders cannot hold a connection open for ever.
  server.headersTimeout = 20_000;
  server.requestTimeout = (options.bodyTimeoutMs ?? 30_000) + 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port, address, family } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  options.log.info({ port }, `listening on http://${host}:${port}`);
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
