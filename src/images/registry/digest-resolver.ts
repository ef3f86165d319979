// Cost control in front of the registries: one answer per (registry, repository, tag) shared by
// every caller and kept for a TTL; a few requests at a time per registry; a 429 or 5xx waited
// out as `Retry-After` says (within a bound) and asked again; a registry that keeps failing is
// reported for the images it holds, never guessed.
import { LRUCache } from 'lru-cache';
import PQueue from 'p-queue';
import { effectiveTag } from '../image-reference.js';
import type { ImageRef } from '../image-reference.js';
import { endpointFor } from './mirrors.js';
import type { MirrorTable } from './mirrors.js';
import { fetchManifestDigest } from './registry-client.js';
import type { RegistryCredentials } from './registry-client.js';
import { imageKey } from '../image-digests.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from '../image-digests.js';
import { signatureFacts, signatureKey } from '../signatures.js';
import type { SignatureFacts, SignatureKey, SignatureTarget, VerifyBundle } from '../signatures.js';
import { readSignatures } from './signature-client.js';

export interface DigestResolverOptions {
  readonly mirrors?: MirrorTable;
  /** Per registry host (or mirror host): never logged, never put in an answer. */
  readonly credentials?: ReadonlyMap<string, RegistryCredentials>;
  readonly fetch?: typeof fetch;
  readonly ttlMs?: number;
  readonly concurrencyPerRegistry?: number;
  /** The longest `Retry-After` waited out; a longer one fails the lookup with the wait named. */
  readonly maxRetryWaitMs?: number;
  readonly retries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Read the signatures beside digests, checked by the bundle verifier this gives (or why there is none). */
  readonly signatures?: { readonly verifier: () => Promise<VerifyBundle | string> };
}

const NEGATIVE_TTL_MS = 60_000;

export function createDigestResolver(options: DigestResolverOptions = {}): ImageDigestResolver {
  const cache = new LRUCache<ImageKey, ImageResolution>({ max: 10_000, ttl: options.ttlMs ?? 10 * 60_000 });
  const inFlight = new Map<ImageKey, Promise<ImageResolution>>();
  const queues = new Map<string, PQueue>();
  const counts = { asked: 0, fromCache: 0, requests: 0, byMethod: {} as Record<string, number> };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const onRequest = (method: string) => {
    counts.requests += 1;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
  };

  const tokens = new LRUCache<string, string>({ max: 1_000, ttl: 4 * 60_000 });
  /** Where an image is asked, how (the credentials that may go there, the counting), through that host's queue. */
  const askingFor = (image: ImageRef) => {
    const endpoint = endpointFor(image.registry, image.repository, options.mirrors ?? new Map());
    const { host, hostname } = new URL(endpoint.origin);
    // Credentials keyed by the registry go to that registry itself, never to a mirror in its place;
    // a mirror gets only those keyed by its own host.
    const own = endpoint.origin === endpointFor(image.registry, image.repository, new Map()).origin;
    const credentials =
      options.credentials?.get(host) ??
      options.credentials?.get(hostname) ??
      (own ? options.credentials?.get(image.registry) : undefined);
    const mayCarryCredentials = (url: URL) => carriesCredentials(url, hostname, own);
    let queue = queues.get(endpoint.origin);
    if (!queue) queues.set(endpoint.origin, (queue = new PQueue({ concurrency: options.concurrencyPerRegistry ?? 4 })));
    // A Bearer token is a repository's on an endpoint, and kept for a few minutes (Docker Hub's last five).
    const shelf = { key: `${endpoint.origin}/${endpoint.name}`, tokens };
    const request = { credentials, mayCarryCredentials, onRequest, ...(options.fetch ? { fetch: options.fetch } : {}) };
    return { endpoint, request, queue, shelf };
  };

  const lookup = async (image: ImageRef): Promise<ImageResolution> => {
    const { endpoint, request, queue, shelf } = askingFor(image);
    const retries = options.retries ?? 2;
    for (let attempt = 0; ; attempt += 1) {
      const answer = (await queue.add(() => fetchManifestDigest(endpoint, effectiveTag(image), request, shelf)))!;
      const retryable = answer.status === 'failed' && (answer.httpStatus === 429 || (answer.httpStatus ?? 0) >= 500);
      if (!retryable || attempt >= retries) return answer;
      const wait = answer.retryAfterMs ?? 1000 * 2 ** attempt;
      const limit = options.maxRetryWaitMs ?? 30_000;
      if (wait > limit)
        return {
          ...answer,
          reason: `${answer.reason}; it asks to wait ${Math.ceil(wait / 1000)} s, longer than pinwarden waits (${Math.ceil(limit / 1000)} s)`,
        };
      await sleep(wait);
    }
  };

  const signatureCache = new LRUCache<SignatureKey, Promise<SignatureFacts>>({ max: 10_000, ttl: 10 * 60_000 });
  const readSigned = async (target: SignatureTarget, verifier: () => Promise<VerifyBundle | string>) => {
    const { endpoint, request, queue, shelf } = askingFor(target.image);
    const read = (await queue.add(() => readSignatures(endpoint, target.digest, request, shelf)))!;
    if (read.status === 'failed') return { status: 'not-checked', reason: read.reason } as const;
    return signatureFacts(read, target.digest, read.bundles.length > 0 ? await verifier() : 'no bundle');
  };
  const signatures = options.signatures
    ? async (targets: readonly SignatureTarget[]) => {
        const verifier = options.signatures!.verifier;
        const unique = new Map(targets.map((target) => [signatureKey(target.image, target.digest), target]));
        const answers = new Map<SignatureKey, SignatureFacts>();
        await Promise.all(
          [...unique].map(async ([key, target]) => {
            let pending = signatureCache.get(key);
            if (!pending) signatureCache.set(key, (pending = readSigned(target, verifier)));
            const facts = await pending;
            // A failed read is asked again next time; a read that answered is kept.
            if (facts.status === 'not-checked') signatureCache.delete(key);
            answers.set(key, facts);
          }),
        );
        return answers;
      }
    : undefined;

  const mirrors = options.mirrors ?? new Map();
  return {
    ...(signatures ? { signatures } : {}),
    mirrorHost: (registry) =>
      mirrors.has(registry) || mirrors.has('*') ? new URL(endpointFor(registry, 'x', mirrors).origin).host : undefined,
    async resolve(images) {
      const answers = new Map<ImageKey, ImageResolution>();
      const unique = new Map(images.map((image) => [imageKey(image), image]));
      await Promise.all(
        [...unique].map(async ([key, image]) => {
          counts.asked += 1;
          const cached = cache.get(key);
          if (cached) {
            counts.fromCache += 1;
            answers.set(key, cached);
            return;
          }
          let pending = inFlight.get(key);
          if (!pending) {
            pending = lookup(image).finally(() => inFlight.delete(key));
            inFlight.set(key, pending);
          } else counts.fromCache += 1;
          const answer = await pending;
          if (answer.status === 'resolved') cache.set(key, answer);
          else if (answer.status === 'not-found') cache.set(key, answer, { ttl: NEGATIVE_TTL_MS });
          answers.set(key, answer);
        }),
      );
      return answers;
    },
    stats: () => ({ ...counts, byMethod: { ...counts.byMethod } }),
  };
}

/**
 * Whether credentials for an endpoint on `hostname` may be sent to `url`: over https (plain http
 * on loopback only, for tests), to the endpoint's own host — or, for a registry asked directly,
 * to its own site (Docker Hub's tokens come from auth.docker.io for registry-1.docker.io).
 */
export function carriesCredentials(url: URL, hostname: string, registryItself: boolean): boolean {
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return false;
  if (url.hostname === hostname) return true;
  const site = (name: string) => name.split('.').slice(-2).join('.');
  return registryItself && !loopback && site(url.hostname) === site(hostname) && hostname.includes('.');
}

/** `PINWARDEN_REGISTRY_CREDENTIALS`: `{"docker.io": {"username": …, "password": …}, …}`. */
export function credentialsFromEnv(value: string | undefined): Map<string, RegistryCredentials> {
  if (!value) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(
      'PINWARDEN_REGISTRY_CREDENTIALS is not JSON (expected {"registry": {"username": …, "password": …}})',
    );
  }
  const table = new Map<string, RegistryCredentials>();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('PINWARDEN_REGISTRY_CREDENTIALS must be a JSON object keyed by registry host');
  for (const [registry, entry] of Object.entries(parsed)) {
    const { username, password } = (entry ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string')
      throw new Error(`PINWARDEN_REGISTRY_CREDENTIALS: ${registry} needs a string username and password`);
    table.set(registry, { username, password });
  }
  return table;
}
