// The App's image digest resolvers: one for the operator's mirrors and credentials, shared by every
// installation (public digests are the same for all), and one per distinct `images.mirrors` a
// repository asks for — allowed only when the operator allows each mirror's host, because the App
// would otherwise fetch whatever URL a repository writes. Every request goes through the address
// guard: a repository cannot point the App at its own network.
import type { ImageResolverFor } from '../jobs/repository-images.js';
import { createDigestResolver } from '../images/registry/digest-resolver.js';
import type { ImageDigestResolver } from '../images/image-digests.js';
import type { VerifyBundle } from '../images/signatures.js';
import { guardedFetch } from '../images/registry/guarded-fetch.js';
import { parseRegistryMirrors } from '../images/registry/mirrors.js';
import type { RegistryCredentials } from '../images/registry/registry-client.js';
import type { SharedCache } from '../scale/shared-cache.js';
import { withSharedDigests } from '../scale/shared-resolutions.js';

export interface ImageResolverSettings {
  /** `REGISTRY=URL` mirrors every lookup goes through (PINWARDEN_REGISTRY_MIRRORS). */
  readonly mirrors?: readonly string[];
  readonly credentials?: ReadonlyMap<string, RegistryCredentials>;
  /** Hosts a repository's `images.mirrors` may name (PINWARDEN_ALLOWED_MIRROR_HOSTS). */
  readonly allowedMirrorHosts?: readonly string[];
  /** Tests and the demo: the fetch under the guard. */
  readonly fetch?: typeof fetch;
  /** A fleet's shared cache (Redis): digests one replica read serve the others. */
  readonly sharedCache?: SharedCache;
  /** Read Sigstore signatures beside digests, verified with this loader's verifier; absent: not read. */
  readonly signatures?: () => Promise<VerifyBundle | string>;
}

/** Distinct repository mirror sets kept; the oldest is dropped past this. */
const MAX_RESOLVERS = 50;

export function createImageResolvers(settings: ImageResolverSettings): ImageResolverFor {
  const operatorMirrors = parseRegistryMirrors(settings.mirrors ?? []);
  const allowed = new Set(
    [...(settings.allowedMirrorHosts ?? []), ...[...operatorMirrors.values()].map(hostOf)].map((host) =>
      host.toLowerCase(),
    ),
  );
  const fetch = guardedFetch({ allowedHosts: allowed, ...(settings.fetch ? { fetch: settings.fetch } : {}) });
  const make = (mirrors: ReadonlyMap<string, string>): ImageDigestResolver => {
    const asked = createDigestResolver({
      mirrors,
      fetch,
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      ...(settings.signatures ? { signatures: { verifier: settings.signatures } } : {}),
    });
    return settings.sharedCache
      ? withSharedDigests(asked, settings.sharedCache, JSON.stringify([...mirrors].sort()))
      : asked;
  };
  const shared = make(operatorMirrors);
  const byMirrors = new Map<string, ImageDigestResolver>();

  return (specs) => {
    if (specs.length === 0) return { ok: true, resolver: shared };
    let repositoryMirrors;
    try {
      repositoryMirrors = parseRegistryMirrors(specs);
    } catch (error) {
      return { ok: false, problem: `images.mirrors: ${(error as Error).message}` };
    }
    const refused = [...repositoryMirrors.values()].map(hostOf).filter((host) => !allowed.has(host.toLowerCase()));
    if (refused.length > 0)
      return {
        ok: false,
        problem: `images.mirrors: ${[...new Set(refused)].join(', ')} ${refused.length === 1 ? 'is not a mirror host' : 'are not mirror hosts'} this pinwarden's operator allows (PINWARDEN_ALLOWED_MIRROR_HOSTS)`,
      };
    const key = JSON.stringify([...repositoryMirrors].sort());
    let resolver = byMirrors.get(key);
    if (!resolver) {
      resolver = make(new Map([...operatorMirrors, ...repositoryMirrors]));
      if (byMirrors.size >= MAX_RESOLVERS) byMirrors.delete(byMirrors.keys().next().value!);
      byMirrors.set(key, resolver);
    }
    return { ok: true, resolver };
  };
}

/** A mirror URL's host; `{registry}` in the host makes it a host of its own, never on the list. */
function hostOf(url: string): string {
  return new URL(url.replaceAll('{registry}', 'registry-placeholder.invalid')).host;
}
