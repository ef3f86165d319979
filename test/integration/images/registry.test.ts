// The registry client and resolver against the loopback fake registry: token flow, HEAD, the GET
// fallback, Accept negotiation, faults, the cache and mirrors, over real HTTP.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry } from '../../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../../../src/dev/fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../../src/images/registry/images-file.js';
import { parseImageRef } from '../../../src/images/image-reference.js';
import type { ImageRef } from '../../../src/images/image-reference.js';
import { carriesCredentials, createDigestResolver } from '../../../src/images/registry/digest-resolver.js';
import { imageKey } from '../../../src/images/image-digests.js';
import { parseRegistryMirrors } from '../../../src/images/registry/mirrors.js';
import { MANIFEST_MEDIA_TYPES, fetchManifestDigest } from '../../../src/images/registry/registry-client.js';

const NODE = `sha256:${'1'.repeat(64)}`;
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  layers: [],
});
const MANIFEST_DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

let registry: FakeRegistry;
const mirrors = () => parseRegistryMirrors([`*=${registry.url}/{registry}`]);

function image(text: string): ImageRef {
  const parsed = parseImageRef(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.image;
}

beforeAll(async () => {
  registry = await startFakeRegistry({
    images: parseImagesFile(
      JSON.stringify({
        images: {
          'docker.io/library/node:20': { digest: NODE },
          'docker.io/library/node:22': { digest: `sha256:${'3'.repeat(64)}` },
          'ghcr.io/acme/tool:1.0': {
            manifest: MANIFEST,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            omitDigestHeader: true,
          },
          'quay.io/acme/legacy:2': {
            digest: `sha256:${'2'.repeat(64)}`,
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          },
        },
      }),
    ),
  });
});
afterAll(() => registry.close());

/** A resolver through the mirrors with robot's credentials keyed by `key`, and every request it made (URL and headers). */
function resolverWithCredentials(key: string) {
  const seen: string[] = [];
  const resolver = createDigestResolver({
    mirrors: mirrors(),
    credentials: new Map([[key, { username: 'robot', password: 's3cret-pass' }]]),
    fetch: (input, init) => {
      seen.push(`${String(input)} ${JSON.stringify(init?.headers ?? {})}`);
      return fetch(input, init);
    },
  });
  return { seen, resolver };
}

describe('fetchManifestDigest', () => {
  it('gets a token through the 401 challenge and reads the digest from a HEAD', async () => {
    const before = registry.counts().byKind;
    const answer = await fetchManifestDigest({ origin: registry.url, name: 'docker.io/library/node' }, '20');
    expect(answer).toEqual({
      status: 'resolved',
      digest: NODE,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      method: 'HEAD',
    });
    const after = registry.counts().byKind;
    expect((after['HEAD manifest'] ?? 0) - (before['HEAD manifest'] ?? 0)).toBe(2);
    expect((after['GET token'] ?? 0) - (before['GET token'] ?? 0)).toBe(1);
    expect(after['GET manifest'] ?? 0).toBe(before['GET manifest'] ?? 0);
  });

  it('falls back to GET and hashes the exact bytes when the digest header is missing', async () => {
    const answer = await fetchManifestDigest({ origin: registry.url, name: 'ghcr.io/acme/tool' }, '1.0');
    expect(answer).toMatchObject({ status: 'resolved', digest: MANIFEST_DIGEST, method: 'GET' });
  });

  it('is refused the manifest when Accept leaves its media type out (the fake enforces it), and sends all four', async () => {
    const narrow = await fetchManifestDigest({ origin: registry.url, name: 'quay.io/acme/legacy' }, '2', {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), accept: MANIFEST_MEDIA_TYPES[0] },
        }),
    });
    expect(narrow.status).toBe('not-found');
    expect(await fetchManifestDigest({ origin: registry.url, name: 'quay.io/acme/legacy' }, '2')).toMatchObject({
      status: 'resolved',
    });
  });

  it('says not-found for an unknown tag, with the host', async () => {
    const answer = await fetchManifestDigest({ origin: registry.url, name: 'docker.io/library/node' }, '99');
    expect(answer.status).toBe('not-found');
    if (answer.status !== 'resolved') expect(answer.reason).toContain('127.0.0.1');
  });
});

describe('createDigestResolver', () => {
  it('resolves through a mirror, caches, and asks once for images named many times', async () => {
    const resolver = createDigestResolver({ mirrors: mirrors() });
    const first = await resolver.resolve([
      image('node:20'),
      image('docker.io/library/node:20'),
      image('index.docker.io/library/node:20'),
    ]);
    expect(first.get(imageKey(image('node:20')))).toMatchObject({ status: 'resolved', digest: NODE });
    const again = await resolver.resolve([image('node:20')]);
    expect(again.get(imageKey(image('node:20')))).toMatchObject({ digest: NODE });
    expect(resolver.stats()).toMatchObject({ asked: 2, fromCache: 1, byMethod: { HEAD: 2, GET: 1 } });
  });

  it("keeps a repository's token for its next lookup, and answers the challenge again once it expires", async () => {
    const resolver = createDigestResolver({ mirrors: mirrors() });
    const tokens = () => registry.counts().byKind['GET token'] ?? 0;
    const before = tokens();
    await resolver.resolve([image('node:20')]);
    expect(tokens() - before).toBe(1);
    // Another tag of the same repository: the kept token, no second challenge.
    expect((await resolver.resolve([image('node:22')])).get(imageKey(image('node:22')))).toMatchObject({
      status: 'resolved',
    });
    expect(tokens() - before).toBe(1);
    registry.expireTokens();
    const fresh = createDigestResolver({ mirrors: mirrors() });
    await fresh.resolve([image('node:20')]);
    registry.expireTokens();
    // The kept token now answers 401: forgotten, the challenge answered again, the lookup succeeds.
    expect((await fresh.resolve([image('node:22')])).get(imageKey(image('node:22')))).toMatchObject({
      status: 'resolved',
    });
    expect(tokens() - before).toBe(3);
  });

  it('waits out a 429 as Retry-After says and asks again', async () => {
    const waits: number[] = [];
    registry.inject({ status: 429, count: 1, retryAfter: '2', name: 'docker.io/library/node' });
    const resolver = createDigestResolver({ mirrors: mirrors(), sleep: async (ms) => void waits.push(ms) });
    const answers = await resolver.resolve([image('node:20')]);
    expect(answers.get(imageKey(image('node:20')))).toMatchObject({ status: 'resolved', digest: NODE });
    expect(waits).toEqual([2000]);
  });

  it('reports a registry that keeps failing, per image, and does not cache the failure', async () => {
    registry.inject({ status: 503, count: 3, name: 'quay.io/acme/legacy' });
    const resolver = createDigestResolver({ mirrors: mirrors(), sleep: async () => undefined });
    const answer = (await resolver.resolve([image('quay.io/acme/legacy:2')])).get(
      imageKey(image('quay.io/acme/legacy:2')),
    );
    expect(answer).toMatchObject({ status: 'failed', httpStatus: 503 });
    const later = (await resolver.resolve([image('quay.io/acme/legacy:2')])).get(
      imageKey(image('quay.io/acme/legacy:2')),
    );
    expect(later).toMatchObject({ status: 'resolved' });
  });

  it('does not wait longer than it is allowed to, and names the wait', async () => {
    registry.inject({ status: 429, count: 1, retryAfter: '3600', name: 'docker.io/library/node' });
    const resolver = createDigestResolver({
      mirrors: mirrors(),
      sleep: async () => {
        throw new Error('must not sleep');
      },
    });
    const answer = (await resolver.resolve([image('node:20')])).get(imageKey(image('node:20')));
    expect(answer).toMatchObject({ status: 'failed', httpStatus: 429 });
    if (answer?.status === 'failed') expect(answer.reason).toContain('3600 s');
  });

  it('sends credentials only to the token endpoint and never puts them in an answer', async () => {
    const { seen, resolver } = resolverWithCredentials('127.0.0.1');
    const answer = (await resolver.resolve([image('docker.io/library/node:404')])).get(
      imageKey(image('docker.io/library/node:404')),
    );
    expect(JSON.stringify(answer)).not.toContain('s3cret');
    const basic = Buffer.from('robot:s3cret-pass').toString('base64');
    expect(seen.filter((line) => line.includes(basic)).every((line) => line.includes('/token'))).toBe(true);
    expect(seen.some((line) => line.includes(basic))).toBe(true);
  });
});

describe('registry credentials go only where they are keyed', () => {
  it("never sends a registry's credentials to a mirror in its place, nor to the realm the mirror names", async () => {
    const { seen, resolver } = resolverWithCredentials('docker.io');
    const answer = (await resolver.resolve([image('docker.io/library/node:20')])).get(
      imageKey(image('docker.io/library/node:20')),
    );
    expect(answer).toMatchObject({ status: 'resolved', digest: NODE });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.some((headers) => headers.toLowerCase().includes('basic'))).toBe(false);
  });

  it.each([
    ['https://registry-1.docker.io/v2/', 'registry-1.docker.io', true, true],
    ['https://auth.docker.io/token', 'registry-1.docker.io', true, true],
    ['https://auth.docker.io/token', 'registry-1.docker.io', false, false],
    ['http://registry-1.docker.io/v2/', 'registry-1.docker.io', true, false],
    ['https://evil.example/token', 'mirror.example', false, false],
    ['https://mirror.example/token', 'mirror.example', false, true],
    ['http://127.0.0.1:5000/token', '127.0.0.1', false, true],
    ['http://10.0.0.5/token', '10.0.0.5', false, false],
  ])('%s for an endpoint on %s (the registry itself: %s): %s', (url, hostname, itself, expected) => {
    expect(carriesCredentials(new URL(url), hostname, itself)).toBe(expected);
  });
});

describe('parseRegistryMirrors', () => {
  it('refuses what is not REGISTRY=URL, and URLs with credentials', () => {
    expect(() => parseRegistryMirrors(['docker.io'])).toThrow(/REGISTRY=URL/);
    expect(() => parseRegistryMirrors(['docker.io=ftp://x'])).toThrow(/http/);
    expect(() => parseRegistryMirrors(['docker.io=https://u:p@x'])).toThrow(/credentials/);
  });
});
