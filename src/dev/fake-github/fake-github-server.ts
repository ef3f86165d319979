// A GitHub API on loopback for tests, the demo and benchmarks: REST under `/` and `/api/v3`,
// GraphQL at `/graphql` and `/api/graphql` (where Octokit derives it for Enterprise URLs). It
// counts requests by kind, can add latency, and injects faults: status codes with headers,
// GitHub's secondary-rate-limit answer, and dropped connections.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeState } from './fake-state.js';
import { createSecondaryLimits } from './secondary-limits.js';
import { executeGraphql } from './graphql-api.js';
import { jsonBytes } from './json-bytes.js';
import { createReplayedReads } from './replayed-reads.js';
import { restRoutes } from './rest-api.js';

/** GraphQL queries and mutations are told apart: a mutation writes, as a REST POST does. */
export type RequestKind = 'graphql' | 'graphql-write' | 'rest-read' | 'rest-write';

export interface Fault {
  /** Which requests: by kind, a pattern over `METHOD /path`, and/or over a GraphQL operation name. */
  readonly kind?: RequestKind;
  readonly match?: RegExp;
  readonly operation?: RegExp;
  /** How many matching requests it answers before it is spent. */
  times: number;
  readonly response:
    { readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown } | 'drop';
}

export interface RequestLog {
  /** Milliseconds since the fake started, when the request arrived. */
  readonly at: number;
  readonly kind: RequestKind;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly status: number;
  /** Refused by the secondary limits the fake was asked to enforce. */
  readonly refused?: boolean;
}

export interface FakeGitHub {
  readonly url: string;
  readonly state: FakeState;
  readonly requests: readonly RequestLog[];
  /** Requests counted by kind, and by route name. */
  counts(): {
    byKind: Record<RequestKind, number>;
    byRoute: Record<string, number>;
    total: number;
    /** Requests the enforced secondary limits refused. */
    refused: number;
  };
  resetCounts(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export const secondaryRateLimit = (retryAfterSeconds: number): Fault['response'] => ({
  status: 403,
  headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '4000' },
  body: {
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  },
});

export async function startFakeGitHub(options: {
  state: FakeState;
  port?: number;
  latencyMs?: number;
  /** Enforce GitHub's secondary rate limits on a clock of this many ms a GitHub second. */
  secondaryLimitsMsPerSecond?: number;
  /** Answer a GraphQL read again from the bytes of its first answer, until a write (replayed-reads.ts). */
  replayReads?: boolean;
}): Promise<FakeGitHub> {
  const replayed = options.replayReads ? createReplayedReads() : undefined;
  const limits =
    options.secondaryLimitsMsPerSecond === undefined
      ? undefined
      : createSecondaryLimits(options.secondaryLimitsMsPerSecond);
  const requests: RequestLog[] = [];
  const faults: Fault[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let baseUrl = '';
  const started = performance.now();
  const counts = () => {
    const byKind: Record<RequestKind, number> = { graphql: 0, 'graphql-write': 0, 'rest-read': 0, 'rest-write': 0 };
    const byRoute: Record<string, number> = {};
    for (const entry of requests) {
      byKind[entry.kind] += 1;
      byRoute[entry.route] = (byRoute[entry.route] ?? 0) + 1;
    }
    return { byKind, byRoute, total: requests.length, refused: requests.filter((entry) => entry.refused).length };
  };

  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      requests.push({
        at: performance.now() - started,
        kind: 'rest-read',
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        route: 'fake GitHub failure',
        status: 500,
      });
      if (!response.headersSent) send(response, 500, { message: `fake GitHub failed: ${(error as Error).message}` });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', baseUrl);
    const method = request.method ?? 'GET';
    const at = performance.now() - started;
    // Control endpoints for a fake running in another process (benchmarks); never counted.
    if (url.pathname.startsWith('/_fake/')) {
      await readBody(request);
      if (url.pathname === '/_fake/counts') return send(response, 200, { ...counts(), requests });
      if (url.pathname === '/_fake/reset' && method === 'POST') {
        requests.splice(0);
        return send(response, 200, { ok: true });
      }
      return send(response, 404, { message: 'unknown control endpoint' });
    }
    const body = await readBody(request);
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
    const isGraphql = path === '/graphql' && method === 'POST';
    const route = isGraphql
      ? null
      : restRoutes.find((candidate) => candidate.method === method && candidate.pattern.test(path));
    // GraphQL calls are told apart by operation name: `POST /graphql (PinwardenRefs)`.
    const graphqlBody = isGraphql ? parseJson(body) : undefined;
    const query = String(graphqlBody?.query ?? '');
    const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1];
    const isMutation = isGraphql && /^\s*mutation\b/.test(query);
    const kind: RequestKind = isGraphql
      ? isMutation
        ? 'graphql-write'
        : 'graphql'
      : method === 'GET' || method === 'HEAD'
        ? 'rest-read'
        : 'rest-write';
    const routeName = isGraphql
      ? `POST /graphql${operation ? ` (${operation})` : ''}`
      : (route?.name ?? `${method} ${path}`);
    const wait = limits?.admit(kind);
    if (wait !== undefined) {
      requests.push({ at, kind, method, path, route: routeName, status: 403, refused: true });
      const refusal = secondaryRateLimit(wait) as Exclude<Fault['response'], 'drop'>;
      send(response, refusal.status, refusal.body, refusal.headers);
      return;
    }
    if (limits) response.once('close', () => limits.done());
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    const fault = faults.find(
      (candidate) =>
        candidate.times > 0 &&
        (!candidate.kind || candidate.kind === kind) &&
        (!candidate.match || candidate.match.test(`${method} ${path}`)) &&
        (!candidate.operation || candidate.operation.test(operation ?? '')),
    );
    if (fault) {
      fault.times -= 1;
      if (fault.response === 'drop') {
        requests.push({ at, kind, method, path, route: routeName, status: 0 });
        request.socket.destroy();
        return;
      }
      requests.push({ at, kind, method, path, route: routeName, status: fault.response.status });
      send(
        response,
        fault.response.status,
        fault.response.body ?? { message: 'injected fault' },
        fault.response.headers,
      );
      return;
    }

    replayed?.saw(method, path, kind === 'graphql');
    if (isGraphql) {
      const kept = kind === 'graphql' ? replayed?.answerOf(body) : undefined;
      const answer = kept ?? jsonBytes(await executeGraphql(options.state, graphqlBody!));
      if (!kept && kind === 'graphql') replayed?.keep(body, answer);
      requests.push({ at, kind, method, path, route: routeName, status: 200 });
      sendBytes(response, 200, answer);
      return;
    }
    if (!route) {
      requests.push({ at, kind, method, path, route: routeName, status: 404 });
      send(response, 404, { message: 'Not Found (the fake GitHub does not serve this endpoint)' });
      return;
    }
    const params = route.pattern
      .exec(path)!
      .slice(1)
      .map((part) => decodeURIComponent(part));
    const answer = route.handle(options.state, params, {
      url,
      baseUrl,
      body: body === '' ? undefined : parseJson(body),
    });
    requests.push({ at, kind, method, path, route: routeName, status: answer.status });
    if (answer.raw && /application\/vnd\.github(\.v3)?\.raw/.test(request.headers.accept ?? '')) {
      response
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': answer.raw.length })
        .end(answer.raw);
      return;
    }
    if (
      answer.status === 200 &&
      /application\/vnd\.github(\.v3)?\.sha/.test(request.headers.accept ?? '') &&
      typeof (answer.body as { sha?: unknown }).sha === 'string'
    ) {
      response
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end((answer.body as { sha: string }).sha);
      return;
    }
    send(response, answer.status, answer.body, answer.headers);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    state: options.state,
    requests,
    counts,
    resetCounts: () => void requests.splice(0),
    injectFault: (fault) => void faults.push(fault),
    clearFaults: () => void faults.splice(0),
    setLatency: (ms) => void (latencyMs = ms),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Encoded once: its length and the bytes sent (a large answer was measured and encoded twice).
  sendBytes(response, status, jsonBytes(body), headers);
}

function sendBytes(
  response: ServerResponse,
  status: number,
  bytes: Buffer,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
      ...headers,
    })
    .end(bytes);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): { query?: unknown; variables?: unknown } & Record<string, unknown> {
  try {
    return JSON.parse(text) as { query?: unknown; variables?: unknown } & Record<string, unknown>;
  } catch {
    return {};
  }
}
