// The App asks registries that repositories name, so a repository could name an address inside
// the App's own network (`image: 10.0.0.5:5000/x`, or a token realm or redirect pointing at a
// cloud metadata endpoint). This fetch refuses any hop whose host is, or resolves to, a loopback,
// private, link-local or otherwise non-public address, unless the operator allowed the host; it
// follows redirects itself so every hop is checked, and drops credentials when the origin changes.
// The connection goes to the address that was checked: a name that resolves to a public address
// for the check and to a private one a moment later (DNS rebinding) is never asked again.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { LRUCache } from 'lru-cache';
import { Agent, fetch as undiciFetch } from 'undici';
import { RefusedAddressError } from './refused-address.js';

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
// `::/96` holds the deprecated IPv4-compatible addresses (`::7f00:1` is 127.0.0.1), `::ffff:0:0:0/96`
// the IPv4-translated ones; `64:ff9b:1::/48` is local NAT64, `fec0::/10` the old site-local range,
// `100::/64` the discard prefix.
for (const [network, prefix] of [
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address is one the public internet routes (IPv4-mapped IPv6 judged by its IPv4, dotted or hex). */
export function isPublicAddress(address: string): boolean {
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? hexMapped(address);
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `::ffff:7f00:1` → `127.0.0.1`: an IPv4-mapped address written in hex. */
function hexMapped(address: string): string | undefined {
  const match = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!match) return undefined;
  const high = parseInt(match[1]!, 16);
  const low = parseInt(match[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

export interface GuardOptions {
  /** Hosts (`host` or `host:port`) asked whatever their address: the operator's mirrors. */
  readonly allowedHosts: ReadonlySet<string>;
  readonly lookup?: (hostname: string) => Promise<readonly string[]>;
  /** Tests: a fetch to send through instead (then the connection's address is that fetch's own). */
  readonly fetch?: typeof fetch;
  /** Tests: which addresses count as allowed (default: public ones). */
  readonly isAllowedAddress?: (address: string) => boolean;
}

/** An undici dispatcher whose connections go to the addresses `pinned` holds for a host name. */
function pinningAgent(pinned: LRUCache<string, readonly string[]>): Agent {
  const lookup = (
    hostname: string,
    options: LookupOneOptions & { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const addresses = pinned.get(hostname.replace(/^\[|\]$/g, ''));
    if (!addresses || addresses.length === 0) {
      callback(new RefusedAddressError(`${hostname} was not checked before connecting`), '', 4);
      return;
    }
    if (options.all)
      callback(
        null,
        addresses.map((address) => ({ address, family: isIP(address) })),
      );
    else callback(null, addresses[0]!, isIP(addresses[0]!));
  };
  return new Agent({ connect: { lookup: lookup as never } });
}

export function guardedFetch(options: GuardOptions): typeof fetch {
  const lookup =
    options.lookup ??
    (async (hostname: string) =>
      (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address));
  const allowed = options.isAllowedAddress ?? isPublicAddress;
  // The addresses each host name was checked at; connections are made to these and no others.
  const pinned = new LRUCache<string, readonly string[]>({ max: 2_000 });
  const agent = options.fetch ? undefined : pinningAgent(pinned);
  const send: typeof fetch =
    options.fetch ??
    ((url, init) =>
      undiciFetch(url as never, { ...(init as object), dispatcher: agent } as never) as unknown as Promise<Response>);
  const check = async (url: URL): Promise<void> => {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (options.allowedHosts.has(url.host.toLowerCase()) || options.allowedHosts.has(url.hostname.toLowerCase())) {
      // The operator's own hosts: whatever they resolve to.
      if (!isIP(hostname) && agent) pinned.set(hostname, await lookup(hostname).catch(() => [] as string[]));
      return;
    }
    const addresses = isIP(hostname) ? [hostname] : await lookup(hostname).catch(() => [] as string[]);
    if (addresses.length === 0) throw new RefusedAddressError(`${url.host} does not resolve`);
    if (!addresses.every(allowed))
      throw new RefusedAddressError(
        `${url.host} is not a public address; pinwarden's App asks only public registries and the mirrors its operator allows`,
      );
    if (!isIP(hostname)) pinned.set(hostname, addresses);
  };
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : input.toString());
    let headers = new Headers(init?.headers);
    let method = init?.method ?? 'GET';
    for (let hop = 0; ; hop += 1) {
      await check(url);
      const response = await send(url, { ...init, method, headers, redirect: 'manual' });
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || !location || init?.redirect === 'manual') return response;
      await response.body?.cancel();
      if (hop + 1 >= MAX_HOPS) throw new RefusedAddressError(`${url.host} redirected more than ${MAX_HOPS} times`);
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:')
        throw new RefusedAddressError(`${url.host} redirected to a ${next.protocol} URL`);
      // As fetch does: credentials stay with their origin; a 303 turns into a GET.
      if (next.origin !== url.origin) {
        headers = new Headers(headers);
        headers.delete('authorization');
      }
      if (response.status === 303 && method !== 'HEAD') method = 'GET';
      url = next;
    }
  };
}
