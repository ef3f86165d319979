// A loopback OCI registry for tests, the demo and benchmarks. It serves
// `/v2/{registry}/{name}/manifests/{tag|digest}` for HEAD and GET as the distribution spec says:
// `Docker-Content-Digest`, `Content-Type`, `Content-Length`; `404 MANIFEST_UNKNOWN` (also when the
// `Accept` header leaves out the image's media type, as registries that refuse to convert do);
// `401` with a Bearer challenge until a token from `/token` (scoped to the repository) is shown.
// Faults can be injected (`POST /_fake/inject`), and every request is counted (`GET /_fake/requests`).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FakeImage } from '../../images/registry/images-file.js';

export interface FakeRegistry {
  readonly url: string;
  /** Requests served, by `METHOD kind` (`HEAD manifest`, `GET token`, …). */
  counts(): {
    readonly total: number;
    readonly byKind: Readonly<Record<string, number>>;
    readonly manifests: Readonly<Record<string, number>>;
  };
  /** The next `count` manifest requests (for one name, or any) answer `status`. */
  inject(fault: Fault): void;
  close(): Promise<void>;
}

export interface Fault {
  readonly status: number;
  readonly count: number;
  readonly retryAfter?: string;
  /** `docker.io/library/node`; every image when absent. */
  readonly name?: string;
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export async function startFakeRegistry(options: {
  readonly images: readonly FakeImage[];
  readonly port?: number;
  readonly latencyMs?: number;
}): Promise<FakeRegistry> {
  const byReference = new Map<string, FakeImage>();
  for (const image of options.images) {
    byReference.set(`${image.name}:${image.tag}`, image);
    byReference.set(`${image.name}@${image.digest}`, image);
  }
  const tokens = new Map<string, string>();
  const faults: { fault: Fault; left: number }[] = [];
  const byKind: Record<string, number> = {};
  const manifests: Record<string, number> = {};
  let total = 0;
  let url = '';

  const count = (kind: string) => {
    total += 1;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const target = new URL(request.url ?? '/', url);
    const method = request.method ?? 'GET';
    response.setHeader('docker-distribution-api-version', 'registry/2.0');
    if (target.pathname === '/token' && method === 'GET') {
      count('GET token');
      const scope = target.searchParams.get('scope') ?? '';
      const repository = /^repository:([^:]+):pull$/.exec(scope)?.[1];
      if (!repository || target.searchParams.get('service') !== 'fake-registry')
        return json(response, 400, {
          errors: [{ code: 'DENIED', message: 'scope must be repository:<name>:pull and service fake-registry' }],
        });
      const token = randomBytes(16).toString('hex');
      tokens.set(token, repository);
      return json(response, 200, { token, access_token: token, expires_in: 300 });
    }
    if (target.pathname === '/_fake/requests') return json(response, 200, { total, byKind, manifests });
    if (target.pathname === '/_fake/inject' && method === 'POST') {
      const fault = JSON.parse(await readBody(request)) as Fault;
      faults.push({ fault, left: fault.count });
      return json(response, 200, { ok: true });
    }
    if (target.pathname === '/v2/' || target.pathname === '/v2') {
      count(`${method} base`);
      return json(response, 200, {});
    }
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(target.pathname);
    if (!match || (method !== 'HEAD' && method !== 'GET')) {
      count(`${method} other`);
      return json(response, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'not a route of this registry' }] });
    }
    const name = match[1]!;
    const reference = decodeURIComponent(match[2]!);
    count(`${method} manifest`);
    manifests[`${name}:${reference}`] = (manifests[`${name}:${reference}`] ?? 0) + 1;
    if (!NAME.test(name.split('/').slice(1).join('/')) || !name.includes('/'))
      return json(response, 400, { errors: [{ code: 'NAME_INVALID', message: 'invalid repository name' }] });
    if (!TAG.test(reference) && !DIGEST.test(reference))
      return json(response, 400, { errors: [{ code: 'MANIFEST_INVALID', message: 'invalid reference' }] });
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || tokens.get(token) !== name) {
      response.setHeader(
        'www-authenticate',
        `Bearer realm="${url}/token",service="fake-registry",scope="repository:${name}:pull"`,
      );
      return json(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    }
    const fault = faults.find(
      (entry) => entry.left > 0 && (entry.fault.name === undefined || entry.fault.name === name),
    );
    if (fault) {
      fault.left -= 1;
      if (fault.fault.retryAfter !== undefined) response.setHeader('retry-after', fault.fault.retryAfter);
      return json(response, fault.fault.status, {
        errors: [{ code: fault.fault.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: 'injected fault' }],
      });
    }
    const image = byReference.get(`${name}${DIGEST.test(reference) ? '@' : ':'}${reference}`);
    const accepted = (request.headers.accept ?? '').split(',').map((type) => type.split(';')[0]!.trim());
    if (!image) return json(response, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    if (!accepted.includes(image.mediaType) && !accepted.includes('*/*'))
      return json(response, 404, {
        errors: [
          { code: 'MANIFEST_UNKNOWN', message: `${image.mediaType} found, but the Accept header does not allow it` },
        ],
      });
    response.statusCode = 200;
    response.setHeader('content-type', image.mediaType);
    response.setHeader('content-length', image.body.length);
    if (!image.omitDigestHeader) response.setHeader('docker-content-digest', image.digest);
    response.end(method === 'GET' ? image.body : undefined);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() =>
      json(response, 500, { errors: [{ code: 'UNKNOWN', message: 'fake registry failed' }] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    counts: () => ({ total, byKind: { ...byKind }, manifests: { ...manifests } }),
    inject: (fault) => faults.push({ fault, left: fault.count }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
