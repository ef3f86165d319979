// A loopback OCI registry for tests, the demo and benchmarks. It serves
// `/v2/{registry}/{name}/manifests/{tag|digest}` for HEAD and GET as the distribution spec says:
// `Docker-Content-Digest`, `Content-Type`, `Content-Length`; `404 MANIFEST_UNKNOWN` (also when the
// `Accept` header leaves out the image's media type, as registries that refuse to convert do);
// `401` with a Bearer challenge until a token from `/token` (scoped to the repository) is shown.
// Faults can be injected (`POST /_fake/inject`), and every request is counted (`GET /_fake/requests`).
// Signatures, as cosign v3 attaches them: each bundle a blob (`/v2/<name>/blobs/<digest>`) under an
// artifact manifest whose subject is the image, listed by the referrers API
// (`/v2/<name>/referrers/<digest>`, an empty index where none) — or, with `referrersApi: false`, a
// 404 there and the referrers tag `sha256-<hex>` instead; cosign's legacy `sha256-<hex>.sig` tag on request.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
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
  /** Every token given so far stops working (they expired). */
  expireTokens(): void;
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

/** What is attached beside one image digest. */
export interface FakeSignature {
  /** `ghcr.io/acme/app` */
  readonly name: string;
  readonly digest: string;
  /** Sigstore bundles (JSON), each attached as an OCI artifact. */
  readonly bundles?: readonly unknown[];
  /** A cosign legacy `.sig` tag. */
  readonly legacy?: boolean;
}

const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export async function startFakeRegistry(options: {
  readonly images: readonly FakeImage[];
  readonly signatures?: readonly FakeSignature[];
  /** false: the referrers API answers 404, and referrers are listed under the referrers tag. */
  readonly referrersApi?: boolean;
  readonly port?: number;
  readonly latencyMs?: number;
}): Promise<FakeRegistry> {
  const byReference = new Map<string, Pick<FakeImage, 'mediaType' | 'body' | 'digest' | 'omitDigestHeader'>>();
  for (const image of options.images) {
    byReference.set(`${image.name}:${image.tag}`, image);
    byReference.set(`${image.name}@${image.digest}`, image);
  }
  const blobs = new Map<string, Buffer>();
  const referrers = new Map<string, Buffer>();
  const stored = (name: string, body: Buffer, mediaType: string, tag?: string) => {
    const digest = sha256(body);
    const entry = { mediaType, body, digest, omitDigestHeader: false };
    byReference.set(`${name}@${digest}`, entry);
    if (tag) byReference.set(`${name}:${tag}`, entry);
    return digest;
  };
  for (const signature of options.signatures ?? []) {
    const subject = { mediaType: OCI_INDEX, digest: signature.digest, size: 2 };
    const listed = (signature.bundles ?? []).map((bundle) => {
      const blob = Buffer.from(JSON.stringify(bundle));
      blobs.set(`${signature.name}@${sha256(blob)}`, blob);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: BUNDLE_TYPE,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(Buffer.from('{}')), size: 2 },
          layers: [{ mediaType: BUNDLE_TYPE, digest: sha256(blob), size: blob.length }],
          subject,
        }),
      );
      const digest = stored(signature.name, manifest, OCI_MANIFEST);
      return { mediaType: OCI_MANIFEST, digest, size: manifest.length, artifactType: BUNDLE_TYPE };
    });
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: listed }));
    const tag = signature.digest.replace(':', '-');
    if (options.referrersApi === false) stored(signature.name, index, OCI_INDEX, tag);
    else referrers.set(`${signature.name}@${signature.digest}`, index);
    if (signature.legacy)
      stored(
        signature.name,
        Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] })),
        OCI_MANIFEST,
        `${tag}.sig`,
      );
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
    const other = /^\/v2\/(.+)\/(referrers|blobs)\/(sha256:[0-9a-f]{64})$/.exec(target.pathname);
    if (other && method === 'GET') {
      const [, name, route, digest] = other;
      count(`GET ${route}`);
      if (!authorized(request, response, name!)) return;
      if (route === 'blobs') {
        const blob = blobs.get(`${name}@${digest}`);
        if (!blob) return json(response, 404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] });
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length });
        return response.end(blob);
      }
      if (options.referrersApi === false)
        return json(response, 404, { errors: [{ code: 'UNSUPPORTED', message: 'no referrers API' }] });
      const index =
        referrers.get(`${name}@${digest}`) ??
        Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
      response.writeHead(200, { 'content-type': OCI_INDEX, 'content-length': index.length });
      return response.end(index);
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
    if (!authorized(request, response, name)) return;
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

  /** The Bearer flow: false (and a 401 with the challenge sent) until a token for `name` is shown. */
  function authorized(request: IncomingMessage, response: ServerResponse, name: string): boolean {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token && tokens.get(token) === name) return true;
    response.setHeader(
      'www-authenticate',
      `Bearer realm="${url}/token",service="fake-registry",scope="repository:${name}:pull"`,
    );
    json(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    return false;
  }

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
    expireTokens: () => tokens.clear(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
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
