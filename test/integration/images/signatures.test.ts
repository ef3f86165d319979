// Signatures beside image digests, end to end on loopback: a Sigstore of our own signs as cosign v3
// does, the fake registry attaches the bundles as OCI referrers (or under the referrers tag), the
// resolver reads and verifies them, and the plan refuses an image `images.verify` names without the
// signature it requires.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry } from '../../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry, FakeSignature } from '../../../src/dev/fake-registry/fake-registry-server.js';
import { startSigstoreAuthority } from '../../../src/dev/fake-registry/sigstore-authority.js';
import type { SigstoreAuthority } from '../../../src/dev/fake-registry/sigstore-authority.js';
import { parseImagesFile } from '../../../src/images/registry/images-file.js';
import { createDigestResolver } from '../../../src/images/registry/digest-resolver.js';
import { parseRegistryMirrors } from '../../../src/images/registry/mirrors.js';
import { imageBundleVerifier } from '../../../src/sigstore/verify-image-bundle.js';
import { bundleVerifierLoader } from '../../../src/sigstore/bundle-verifier.js';
import { parseImageRef } from '../../../src/images/image-reference.js';
import type { ImageRef } from '../../../src/images/image-reference.js';
import { signatureKey } from '../../../src/images/signatures.js';
import type { SignatureFacts } from '../../../src/images/signatures.js';
import { pinImageFiles } from '../../../src/images/pin-images.js';
import type { PinnedImageFile } from '../../../src/images/pin-images.js';
import { auditImages } from '../../../src/audit/audit-images.js';

const RELEASE = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const OTHER = 'https://github.com/someone/fork/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const digestOf = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const IMAGES = parseImagesFile(
  JSON.stringify({
    images: {
      'ghcr.io/acme/app:1.0': { digest: digestOf(1) },
      'ghcr.io/acme/forged:1.0': { digest: digestOf(2) },
      'ghcr.io/acme/bare:1.0': { digest: digestOf(3) },
      'ghcr.io/acme/old:1.0': { digest: digestOf(4) },
      'ghcr.io/acme/copied:1.0': { digest: digestOf(5) },
      'docker.io/library/nginx:1.27': { digest: digestOf(6) },
    },
  }),
);

let authority: SigstoreAuthority;
let stranger: SigstoreAuthority;
let signatures: FakeSignature[];
const registries: FakeRegistry[] = [];

beforeAll(async () => {
  authority = await startSigstoreAuthority();
  stranger = await startSigstoreAuthority();
  signatures = [
    {
      name: 'ghcr.io/acme/app',
      digest: digestOf(1),
      bundles: [await authority.signImage('ghcr.io/acme/app', digestOf(1), RELEASE)],
    },
    {
      name: 'ghcr.io/acme/forged',
      digest: digestOf(2),
      bundles: [await authority.signImage('ghcr.io/acme/forged', digestOf(2), OTHER)],
    },
    { name: 'ghcr.io/acme/old', digest: digestOf(4), legacy: true },
    // A good signature of app, attached to another image: it verifies, but names another digest.
    {
      name: 'ghcr.io/acme/copied',
      digest: digestOf(5),
      bundles: [await authority.signImage('ghcr.io/acme/app', digestOf(1), RELEASE)],
    },
  ];
});
afterAll(async () => {
  await Promise.all([authority.close(), stranger.close(), ...registries.map((registry) => registry.close())]);
});

async function resolverOn(options: { referrersApi?: boolean; trustedRoot?: unknown } = {}) {
  const registry = await startFakeRegistry({
    images: IMAGES,
    signatures,
    ...(options.referrersApi === undefined ? {} : { referrersApi: options.referrersApi }),
  });
  registries.push(registry);
  const verifier = imageBundleVerifier(options.trustedRoot ?? authority.trustedRoot);
  return {
    registry,
    resolver: createDigestResolver({
      mirrors: parseRegistryMirrors([`*=${registry.url}/{registry}`]),
      signatures: { verifier: async () => verifier },
    }),
  };
}

const ref = (text: string) => {
  const parsed = parseImageRef(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.image;
};
const target = (text: string, n: number): { image: ImageRef; digest: string } => ({
  image: ref(text),
  digest: digestOf(n),
});

const entriesOf = (file: PinnedImageFile) => (file.status === 'unreadable' ? [] : file.entries);

async function factsOf(resolver: Awaited<ReturnType<typeof resolverOn>>['resolver']) {
  const targets = [
    target('ghcr.io/acme/app:1.0', 1),
    target('ghcr.io/acme/forged:1.0', 2),
    target('ghcr.io/acme/bare:1.0', 3),
    target('ghcr.io/acme/old:1.0', 4),
    target('ghcr.io/acme/copied:1.0', 5),
  ];
  const facts = await resolver.signatures!(targets);
  return (n: number): SignatureFacts => facts.get(signatureKey(targets[n - 1]!.image, digestOf(n)))!;
}

describe('signatures beside a digest', () => {
  it('reads the bundles the referrers API lists and says who signed, what is unsigned and what did not verify', async () => {
    const { resolver } = await resolverOn();
    const facts = await factsOf(resolver);
    expect(facts(1)).toEqual({
      status: 'signed',
      signers: [{ identity: RELEASE, issuer: ISSUER }],
      problems: [],
      legacy: false,
    });
    expect(facts(2)).toMatchObject({ status: 'signed', signers: [{ identity: OTHER }] });
    expect(facts(3)).toEqual({ status: 'not-signed' });
    expect(facts(4)).toEqual({ status: 'signed', signers: [], problems: [], legacy: true });
    expect(facts(5)).toMatchObject({
      status: 'signed',
      signers: [],
      problems: [expect.stringContaining('signs another image')],
    });
  });

  it('falls back to the referrers tag where a registry has no referrers API', async () => {
    const { resolver, registry } = await resolverOn({ referrersApi: false });
    const facts = await factsOf(resolver);
    expect(facts(1)).toMatchObject({ status: 'signed', signers: [{ identity: RELEASE }] });
    expect(facts(3)).toEqual({ status: 'not-signed' });
    expect(registry.counts().byKind['GET referrers']).toBeGreaterThan(0);
  });

  it('does not trust a bundle another Sigstore signed', async () => {
    const { resolver } = await resolverOn({ trustedRoot: stranger.trustedRoot });
    const facts = await factsOf(resolver);
    expect(facts(1)).toMatchObject({
      status: 'signed',
      signers: [],
      problems: [expect.stringContaining('does not verify')],
    });
  });

  it('reads each digest once however many files name it', async () => {
    const { resolver, registry } = await resolverOn();
    await factsOf(resolver);
    const before = registry.counts().total;
    await factsOf(resolver);
    expect(registry.counts().total).toBe(before);
  });

  it('says why no bundle could be verified when the trusted root cannot be read', async () => {
    const { registry } = await resolverOn();
    const resolver = createDigestResolver({
      mirrors: parseRegistryMirrors([`*=${registry.url}/{registry}`]),
      signatures: { verifier: bundleVerifierLoader({ file: '/nonexistent/trusted_root.json' }) },
    });
    const facts = await factsOf(resolver);
    expect(facts(1)).toMatchObject({
      status: 'signed',
      signers: [],
      problems: [expect.stringContaining('the trusted root /nonexistent/trusted_root.json could not be read')],
    });
  });
});

describe('images.verify', () => {
  const rules = [
    {
      image: 'ghcr.io/acme/*',
      identity: 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/heads/main',
      issuer: ISSUER,
    },
  ];
  const file = {
    path: 'deploy/app.yaml',
    kind: 'kubernetes' as const,
    text: [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: app}',
      'spec:',
      '  containers:',
      '  - {name: app, image: ghcr.io/acme/app:1.0}',
      '  - {name: forged, image: ghcr.io/acme/forged:1.0}',
      '  - {name: bare, image: ghcr.io/acme/bare:1.0}',
      '  - {name: old, image: ghcr.io/acme/old:1.0}',
      '  - {name: copied, image: ghcr.io/acme/copied:1.0}',
      '  - {name: web, image: nginx:1.27}',
      '',
    ].join('\n'),
  };

  it('writes the digest of an image signed by the identity it names, and refuses every other image it names', async () => {
    const { resolver } = await resolverOn();
    const { files, resolutions, signatures: facts } = await pinImageFiles([file], resolver, undefined, rules);
    const [pinned] = files;
    expect(pinned!.status).toBe('rewritten');
    const text = pinned!.status === 'rewritten' ? pinned!.text : '';
    expect(text).toContain(`image: ghcr.io/acme/app:1.0@${digestOf(1)}`);
    // No rule names nginx: pinned, its signature only said.
    expect(text).toContain(`image: nginx:1.27@${digestOf(6)}`);
    for (const name of ['forged', 'bare', 'old', 'copied']) expect(text).toContain(`image: ghcr.io/acme/${name}:1.0}`);
    const skipped = entriesOf(pinned!).flatMap((entry) => (entry.action === 'skip' ? [entry] : []));
    expect(skipped.map((entry) => [entry.located.site.written, entry.unsigned !== undefined])).toEqual([
      ['ghcr.io/acme/forged:1.0', true],
      ['ghcr.io/acme/bare:1.0', true],
      ['ghcr.io/acme/old:1.0', true],
      ['ghcr.io/acme/copied:1.0', true],
    ]);
    expect(skipped[0]!.reason).toContain(`signed only by \`${OTHER}\``);
    expect(skipped[1]!.reason).toContain('no Sigstore signature of this digest was found');
    expect(skipped[2]!.reason).toContain('legacy format');
    expect(skipped[3]!.reason).toContain('signs another image');

    // The audit of the file as it was: a high finding for each image the rule refuses.
    const findings = auditImages(file.path, pinned!.located.ok ? pinned!.located.images : [], resolutions, {
      facts,
      rules,
    }).filter((finding) => finding.check === 'image-signature');
    expect(findings.map((finding) => [finding.uses, finding.severity])).toEqual([
      ['ghcr.io/acme/forged:1.0', 'high'],
      ['ghcr.io/acme/bare:1.0', 'high'],
      ['ghcr.io/acme/old:1.0', 'high'],
      ['ghcr.io/acme/copied:1.0', 'high'],
    ]);
  });

  it('refuses with the reason when the resolver reads no signatures', async () => {
    const { registry } = await resolverOn();
    const resolver = createDigestResolver({ mirrors: parseRegistryMirrors([`*=${registry.url}/{registry}`]) });
    const { files } = await pinImageFiles([file], resolver, undefined, rules);
    const app = entriesOf(files[0]!).find((entry) => entry.located.site.written === 'ghcr.io/acme/app:1.0')!;
    expect(app).toMatchObject({ action: 'skip', reason: expect.stringContaining('its signature was not read') });
  });
});

describe('a registry that lies or floods', () => {
  const digest = digestOf(7);
  const target = { image: ref('registry.test/acme/app:1.0'), digest };
  const answering = (respond: (url: URL, method: string) => Response) =>
    createDigestResolver({
      fetch: (async (input: string | URL | Request, init?: RequestInit) =>
        respond(new URL(String(input)), init?.method ?? 'GET')) as typeof fetch,
      signatures: { verifier: async () => imageBundleVerifier(authority.trustedRoot) },
    });
  const factsFrom = async (resolver: ReturnType<typeof answering>) =>
    (await resolver.signatures!([target])).get(signatureKey(target.image, digest))!;

  it('reads five bundles of many, and none whose bytes are not the digest that named them', async () => {
    const listed = Array.from({ length: 7 }, (_, n) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      digest: `sha256:${String(n).repeat(64)}`,
    }));
    let manifestReads = 0;
    const facts = await factsFrom(
      answering((url, method) => {
        if (url.pathname.includes('/referrers/')) return Response.json({ schemaVersion: 2, manifests: listed });
        if (method === 'GET' && url.pathname.includes('/manifests/sha256:')) {
          manifestReads += 1;
          return new Response('{"layers":[]}');
        }
        return new Response(null, { status: 404 });
      }),
    );
    expect(manifestReads).toBe(5);
    // Nothing that could be read: not known to be signed, and said why.
    expect(facts.status).toBe('not-checked');
    const reason = facts.status === 'not-checked' ? facts.reason : '';
    expect(reason).toContain('7 bundles are attached; the first 5 were read');
    expect(reason.match(/hashes to/g)).toHaveLength(5);
  });

  it('stops reading a referrers index over a mebibyte', async () => {
    const facts = await factsFrom(
      answering((url) =>
        url.pathname.includes('/referrers/')
          ? new Response('x'.repeat(2 * 1024 * 1024), { headers: { 'content-type': 'application/json' } })
          : new Response(null, { status: 404 }),
      ),
    );
    expect(facts).toMatchObject({ status: 'not-checked', reason: expect.stringContaining('index is over') });
  });
});

describe('the trusted root', () => {
  it('is read from the file the operator names, once; a failure is said and tried again ten minutes later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinwarden-root-'));
    const file = join(dir, 'trusted_root.json');
    let now = 0;
    const load = bundleVerifierLoader({ file, now: () => now });
    const missing = await load();
    expect(missing).toEqual(expect.stringContaining(`the trusted root ${file} could not be read`));
    writeFileSync(file, JSON.stringify(authority.trustedRoot));
    now += 60_000;
    // Within ten minutes the failure stands (no read of the file on every image).
    expect(typeof (await load())).toBe('string');
    now += 10 * 60_000;
    const verify = await load();
    expect(typeof verify).toBe('function');
    const bundle = await authority.signImage('ghcr.io/acme/app', digestOf(1), RELEASE);
    expect(typeof verify === 'function' && verify(bundle, digestOf(1))).toEqual({
      ok: true,
      identity: RELEASE,
      issuer: ISSUER,
    });
    // Once read, it is kept: the file going away changes nothing.
    rmSync(file);
    now += 60 * 60_000;
    expect(await load()).toBe(verify);
  });
});
