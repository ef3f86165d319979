// Reads what lies beside an image digest in its registry, as cosign's bundle specification says
// (sigstore/cosign specs/BUNDLE_SPEC.md): the OCI referrers of the digest (`GET
// /v2/<name>/referrers/<digest>`, or the referrers tag `sha256-<hex>` where a registry has no
// referrers API), each Sigstore-bundle artifact's manifest, and its one layer, the bundle. Also
// whether cosign's legacy signature tag `sha256-<hex>.sig` exists. Every read is bounded and every
// manifest and blob is checked against the digest that named it.
import { createHash } from 'node:crypto';
import type { RegistryEndpoint, RegistryRequestOptions, TokenShelf } from './registry-client.js';
import { RegistrySession, describeFailure, readBounded, unanswered } from './registry-client.js';

export const BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** Every version of the bundle's media type (v0.1 to v0.3) begins so. */
const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MAX_INDEX_BYTES = 1024 * 1024;
const MAX_ARTIFACT_MANIFEST_BYTES = 64 * 1024;
const MAX_BUNDLE_BYTES = 1024 * 1024;
/** Bundles read beside one digest: an image signed a hundred times is judged by its first five. */
export const MAX_BUNDLES = 5;

export type SignaturesRead =
  | {
      readonly status: 'read';
      readonly bundles: readonly unknown[];
      /** Artifacts found but not read, and why. */
      readonly problems: readonly string[];
      readonly legacy: boolean;
    }
  | { readonly status: 'failed'; readonly reason: string };

interface Descriptor {
  readonly mediaType?: unknown;
  readonly artifactType?: unknown;
  readonly digest?: unknown;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export async function readSignatures(
  endpoint: RegistryEndpoint,
  digest: string,
  options: RegistryRequestOptions = {},
  shelf?: TokenShelf,
): Promise<SignaturesRead> {
  if (!DIGEST.test(digest)) return { status: 'failed', reason: `${digest} is not a sha256 digest` };
  const base = `${endpoint.origin}/v2/${endpoint.name}`;
  const session = new RegistrySession(options, shelf);
  const tag = digest.replace(':', '-');
  try {
    let index = await session.request(
      'GET',
      `${base}/referrers/${digest}?artifactType=${encodeURIComponent(BUNDLE_ARTIFACT_TYPE)}`,
    );
    // 404: no referrers API; the referrers tag stands in for it, asked by HEAD first (Docker Hub
    // counts a manifest GET against its pull limit; a HEAD, and a tag that is not there, cost nothing).
    if (index.status === 404) {
      await index.body?.cancel();
      const exists = await session.request('HEAD', `${base}/manifests/${tag}`);
      await exists.body?.cancel();
      index = exists.status === 200 ? await session.request('GET', `${base}/manifests/${tag}`) : exists;
    }
    const descriptors: Descriptor[] = [];
    const problems: string[] = [];
    if (index.status === 200) {
      const parsed = await readJson(index, MAX_INDEX_BYTES);
      if (typeof parsed === 'string') problems.push(`its referrers ${parsed}`);
      else {
        const manifests = (parsed as { manifests?: unknown } | null)?.manifests;
        for (const entry of Array.isArray(manifests) ? (manifests as Descriptor[]) : [])
          if (
            typeof entry?.artifactType === 'string' &&
            entry.artifactType.startsWith(BUNDLE_MEDIA_TYPE) &&
            typeof entry.digest === 'string' &&
            DIGEST.test(entry.digest)
          )
            descriptors.push(entry);
      }
    } else if (index.status !== 404) return { status: 'failed', reason: failure(index, base) };
    else await index.body?.cancel();
    const bundles: unknown[] = [];
    if (descriptors.length > MAX_BUNDLES)
      problems.push(`${descriptors.length} bundles are attached; the first ${MAX_BUNDLES} were read`);
    for (const descriptor of descriptors.slice(0, MAX_BUNDLES)) {
      const bundle = await readBundle(session, base, descriptor.digest as string);
      if (typeof bundle === 'string') problems.push(bundle);
      else bundles.push(bundle.json);
    }
    const legacyAnswer = await session.request('HEAD', `${base}/manifests/${tag}.sig`);
    await legacyAnswer.body?.cancel();
    return { status: 'read', bundles, problems, legacy: legacyAnswer.status === 200 };
  } catch (error) {
    return unanswered(error, base);
  }
}

/** An artifact manifest, then its bundle layer; a string says why it could not be read. */
async function readBundle(
  session: RegistrySession,
  base: string,
  manifestDigest: string,
): Promise<{ json: unknown } | string> {
  const manifest = await readVerified(
    session,
    `${base}/manifests/${manifestDigest}`,
    manifestDigest,
    MAX_ARTIFACT_MANIFEST_BYTES,
  );
  if (typeof manifest === 'string') return `the bundle manifest ${manifestDigest} ${manifest}`;
  const parsed = parseJson(manifest) as { mediaType?: unknown; layers?: unknown } | undefined;
  const layer = Array.isArray(parsed?.layers) ? (parsed.layers[0] as Descriptor | undefined) : undefined;
  if (
    !layer ||
    (parsed?.mediaType !== undefined && parsed.mediaType !== OCI_MANIFEST) ||
    typeof layer.mediaType !== 'string' ||
    !layer.mediaType.startsWith(BUNDLE_MEDIA_TYPE) ||
    typeof layer.digest !== 'string' ||
    !DIGEST.test(layer.digest)
  )
    return `the bundle manifest ${manifestDigest} has no bundle layer`;
  const blob = await readVerified(session, `${base}/blobs/${layer.digest}`, layer.digest, MAX_BUNDLE_BYTES);
  if (typeof blob === 'string') return `the bundle ${layer.digest} ${blob}`;
  const json = parseJson(blob);
  return json === undefined ? `the bundle ${layer.digest} is not JSON` : { json };
}

async function readVerified(
  session: RegistrySession,
  url: string,
  digest: string,
  limit: number,
): Promise<Uint8Array | string> {
  const response = await session.request('GET', url);
  if (response.status !== 200) return `could not be read: ${failure(response, url)}`;
  const bytes = await readBounded(response, limit);
  if (!bytes) return `is over ${limit} bytes`;
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return actual === digest ? bytes : `hashes to ${actual}, not its digest`;
}

async function readJson(response: Response, limit: number): Promise<unknown> {
  const bytes = await readBounded(response, limit);
  if (!bytes) return `index is over ${limit} bytes`;
  return parseJson(bytes) ?? 'index is not JSON';
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function failure(response: Response, url: string): string {
  const described = describeFailure(response, url);
  void response.body?.cancel();
  return described.status === 'resolved' ? `${response.status}` : described.reason;
}
