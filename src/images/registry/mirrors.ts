// Where a registry is asked: its own API host, or a mirror (a pull-through cache such as Harbor,
// or the one registry an air-gapped install may reach). `REGISTRY=URL`, `*` for every registry,
// `{registry}` in the URL replaced by the registry's host; the URL's path is the name prefix the
// mirror serves that registry under (`https://harbor.example/dockerhub` → `/v2/dockerhub/library/node/…`).
import { DOCKER_HUB } from '../image-reference.js';
import type { RegistryEndpoint } from './registry-client.js';

export type MirrorTable = ReadonlyMap<string, string>;

export class MirrorError extends Error {}

export function parseRegistryMirrors(specs: readonly string[]): MirrorTable {
  const table = new Map<string, string>();
  for (const spec of specs) {
    const equals = spec.indexOf('=');
    const registry = spec.slice(0, equals).trim();
    const url = spec.slice(equals + 1).trim();
    if (equals <= 0 || url === '') throw new MirrorError(`a registry mirror is REGISTRY=URL (or *=URL), not "${spec}"`);
    const sample = url.replaceAll('{registry}', 'registry.example');
    let parsed: URL;
    try {
      parsed = new URL(sample);
    } catch {
      throw new MirrorError(`the mirror for ${registry} is not a URL: "${url}"`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new MirrorError(`the mirror for ${registry} must be an http(s) URL, not ${parsed.protocol}`);
    if (parsed.search || parsed.hash || parsed.username || parsed.password)
      throw new MirrorError(
        `the mirror for ${registry} must not carry a query, fragment or credentials (give those through PINWARDEN_REGISTRY_CREDENTIALS)`,
      );
    table.set(registry === 'index.docker.io' ? DOCKER_HUB : registry, url);
  }
  return table;
}

export function endpointFor(registry: string, repository: string, mirrors: MirrorTable): RegistryEndpoint {
  const mirror = mirrors.get(registry) ?? mirrors.get('*');
  if (!mirror)
    return {
      origin: registry === DOCKER_HUB ? 'https://registry-1.docker.io' : `https://${registry}`,
      name: repository,
    };
  const url = new URL(mirror.replaceAll('{registry}', registry));
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  return { origin: url.origin, name: prefix ? `${prefix}/${repository}` : repository };
}
