// Asks one registry what digest a tag names, over the OCI distribution API:
// `HEAD /v2/<name>/manifests/<tag>` with the four manifest media types in `Accept` →
// `Docker-Content-Digest`; without that (optional) header, `GET` and sha256 of the exact bytes.
// The digest is the index's for a multi-arch image, as `docker pull` and `crane digest` give it.
// A `401` is answered with the token its challenge names (anonymous unless credentials are
// given for the registry); credentials never appear in an answer or a log line.
import { createHash } from 'node:crypto';
import { parseChallenge } from './challenge.js';
import type { ImageResolution } from '../image-digests.js';
import { NOT_ASKED } from '../image-digests.js';
import { RefusedAddressError } from './refused-address.js';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** OCI: a registry may refuse manifests over 4 MiB; nothing larger is read. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_BYTES = 64 * 1024;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface RegistryEndpoint {
  /** `https://registry-1.docker.io`, or a mirror's origin. */
  readonly origin: string;
  /** The repository path on that endpoint: a mirror may add its own prefix (`dockerhub/library/node`). */
  readonly name: string;
}

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RegistryRequestOptions {
  readonly credentials?: RegistryCredentials | undefined;
  /** Where the credentials may go (an origin they are keyed by, over https); anywhere else gets none. */
  readonly mayCarryCredentials?: (url: URL) => boolean;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** Counts every HTTP request made, for the cost report. */
  readonly onRequest?: (method: string, url: string) => void;
}

export async function fetchManifestDigest(
  endpoint: RegistryEndpoint,
  reference: string,
  options: RegistryRequestOptions = {},
  shelf?: TokenShelf,
): Promise<ImageResolution> {
  const url = `${endpoint.origin}/v2/${endpoint.name}/manifests/${encodeURIComponent(reference)}`;
  const session = new RegistrySession(options, shelf);
  try {
    const head = await session.request('HEAD', url);
    if (head.status === 200) {
      const digest = head.headers.get('docker-content-digest');
      if (digest && DIGEST.test(digest))
        return { status: 'resolved', digest, mediaType: mediaTypeOf(head), method: 'HEAD' };
      // The header is optional in OCI: the exact bytes decide.
      return await digestByGet(session, url);
    }
    return describeFailure(head, url);
  } catch (error) {
    return unanswered(error, url);
  }
}

/** A lookup that threw: the address guard refused to ask (nothing was sent), or the registry did not answer. */
export function unanswered(error: unknown, url: string): { readonly status: 'failed'; readonly reason: string } {
  const refused = error instanceof RefusedAddressError ? error : (error as { cause?: unknown }).cause;
  if (refused instanceof RefusedAddressError) return { status: 'failed', reason: `${NOT_ASKED}: ${refused.message}` };
  return { status: 'failed', reason: `${hostOf(url)} did not answer: ${(error as Error).message}` };
}

async function digestByGet(session: RegistrySession, url: string): Promise<ImageResolution> {
  const response = await session.request('GET', url);
  if (response.status !== 200) return describeFailure(response, url);
  const bytes = await readBounded(response, MAX_MANIFEST_BYTES);
  if (!bytes) return { status: 'failed', reason: `${hostOf(url)} sent a manifest over ${MAX_MANIFEST_BYTES} bytes` };
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const claimed = response.headers.get('docker-content-digest');
  if (claimed && DIGEST.test(claimed) && claimed !== digest)
    return { status: 'failed', reason: `${hostOf(url)} says ${claimed} but the manifest it sent hashes to ${digest}` };
  return { status: 'resolved', digest, mediaType: mediaTypeOf(response), method: 'GET' };
}

export function describeFailure(response: Response, url: string): ImageResolution {
  const host = hostOf(url);
  if (response.status === 404) return { status: 'not-found', reason: `${host} has no such image or tag (404)` };
  if (response.status === 401 || response.status === 403)
    return {
      status: 'failed',
      httpStatus: response.status,
      reason: `${host} refused access (${response.status}); a private image needs credentials for ${host}`,
    };
  const retryAfterMs = retryAfter(response.headers.get('retry-after'));
  if (response.status === 429)
    return {
      status: 'failed',
      httpStatus: 429,
      reason: `${host} rate-limited the request (429)`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  return {
    status: 'failed',
    httpStatus: response.status,
    reason: `${host} answered ${response.status}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

/**
 * Where the tokens of one repository on one endpoint are kept between lookups (a digest, then the
 * signatures beside it): `key` names the endpoint and repository, so a token never goes elsewhere.
 */
export interface TokenShelf {
  readonly key: string;
  readonly tokens: {
    get(key: string): string | undefined;
    set(key: string, token: string): unknown;
    delete(key: string): unknown;
  };
}

/** One lookup's requests: the token a challenge asks for is fetched once and reused (and kept on the shelf). */
export class RegistrySession {
  private token: string | undefined;
  private fromShelf = false;
  constructor(
    private readonly options: RegistryRequestOptions,
    private readonly shelf?: TokenShelf,
  ) {
    this.token = shelf?.tokens.get(shelf.key);
    this.fromShelf = this.token !== undefined;
  }

  async request(method: 'HEAD' | 'GET', url: string): Promise<Response> {
    const first = await this.send(method, url);
    if (first.status === 401 && this.fromShelf) {
      // A kept token that expired: forget it and answer the challenge as if none was kept.
      this.shelf!.tokens.delete(this.shelf!.key);
      this.token = undefined;
      this.fromShelf = false;
    } else if (first.status !== 401 || this.token !== undefined) return first;
    await first.body?.cancel();
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    if (challenge.scheme === 'basic' && this.options.credentials && this.mayCarry(new URL(url))) {
      this.token = `Basic ${basic(this.options.credentials)}`;
      return this.send(method, url);
    }
    if (challenge.scheme !== 'bearer') return new Response(null, { status: 401 });
    const token = await this.fetchToken(challenge.realm, challenge.service, challenge.scope);
    if (!token) return new Response(null, { status: 401 });
    this.token = `Bearer ${token}`;
    this.shelf?.tokens.set(this.shelf.key, this.token);
    return this.send(method, url);
  }

  private async fetchToken(
    realm: string,
    service: string | undefined,
    scope: string | undefined,
  ): Promise<string | undefined> {
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(realm);
    } catch {
      return undefined;
    }
    if (tokenUrl.protocol !== 'https:' && tokenUrl.protocol !== 'http:') return undefined;
    if (service) tokenUrl.searchParams.set('service', service);
    if (scope) tokenUrl.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    // Only to a realm the credentials are keyed by: a mirror a repository names may name any realm.
    if (this.options.credentials && this.mayCarry(tokenUrl))
      headers.authorization = `Basic ${basic(this.options.credentials)}`;
    this.options.onRequest?.('GET', tokenUrl.origin + tokenUrl.pathname);
    const response = await this.fetcher()(tokenUrl, { headers, redirect: 'follow', signal: this.signal() });
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    const bytes = await readBounded(response, MAX_TOKEN_BYTES);
    if (!bytes) return undefined;
    try {
      const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as { token?: unknown; access_token?: unknown };
      const token = typeof body.token === 'string' ? body.token : body.access_token;
      return typeof token === 'string' && token.length > 0 && !/[\r\n]/.test(token) ? token : undefined;
    } catch {
      return undefined;
    }
  }

  private async send(method: 'HEAD' | 'GET', url: string): Promise<Response> {
    this.options.onRequest?.(method, url);
    const headers: Record<string, string> = { accept: MANIFEST_MEDIA_TYPES.join(', ') };
    if (this.token) headers.authorization = this.token;
    // fetch drops the Authorization header when a redirect leaves the origin (registry.k8s.io → a bucket).
    return this.fetcher()(url, { method, headers, redirect: 'follow', signal: this.signal() });
  }

  private mayCarry(url: URL): boolean {
    return this.options.mayCarryCredentials?.(url) ?? false;
  }

  private fetcher(): typeof fetch {
    return this.options.fetch ?? fetch;
  }

  private signal(): AbortSignal {
    return AbortSignal.timeout(this.options.timeoutMs ?? 15_000);
  }
}

export async function readBounded(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function mediaTypeOf(response: Response): string | undefined {
  return response.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function basic(credentials: RegistryCredentials): string {
  return Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the registry';
  }
}
