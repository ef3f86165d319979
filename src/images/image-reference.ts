// Reads a container image reference the way Docker and go-containerregistry do
// (distribution/reference): `[registry/]repository[:tag][@sha256:<64 hex>]`. A first component
// with a `.` or `:`, or `localhost`, is a registry; otherwise the image is on Docker Hub, and a
// one-component name lives under `library/`. The written form is kept for rewriting; the
// normalised one keys caches and the known-bad list.

export interface ImageRef {
  /** The reference as written. */
  readonly written: string;
  /** Canonical registry host: `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Repository path inside the registry: `library/node`. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export type ParsedImage =
  { readonly ok: true; readonly image: ImageRef } | { readonly ok: false; readonly reason: string };

export const DOCKER_HUB = 'docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const REGISTRY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
/** Docker's limit on a whole reference. */
const MAX_LENGTH = 255 + 128 + 72;

export function parseImageRef(written: string): ParsedImage {
  if (written.length === 0) return { ok: false, reason: 'the image is empty' };
  if (written.length > MAX_LENGTH)
    return { ok: false, reason: `longer than ${MAX_LENGTH} characters; not an image reference` };
  if (/\$\{|\$\(|\{\{|\$[A-Za-z_]/.test(written))
    return {
      ok: false,
      reason: 'it holds a variable or template expression; what it names is only known when it runs',
    };
  let rest = written;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      return { ok: false, reason: `\`@${digest}\` is not a sha256 digest (sha256: and 64 lower-case hex digits)` };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, reason: `\`${tag}\` is not a valid image tag` };
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift()!;
    if (!REGISTRY.test(registry)) return { ok: false, reason: `\`${registry}\` is not a registry host` };
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (parts.some((part) => !COMPONENT.test(part)))
    return { ok: false, reason: `\`${rest}\` is not a valid image name (lower-case letters, digits and separators)` };
  const repository = registry === DOCKER_HUB && parts.length === 1 ? `library/${parts[0]!}` : parts.join('/');
  return { ok: true, image: { written, registry, repository, tag, digest } };
}

/** `docker.io/library/node`: the name caches, mirrors and the known-bad list use. */
export function canonicalName(image: Pick<ImageRef, 'registry' | 'repository'>): string {
  return `${image.registry}/${image.repository}`;
}

/** The tag Docker pulls when none is written. */
export function effectiveTag(image: Pick<ImageRef, 'tag'>): string {
  return image.tag ?? 'latest';
}

/** `latest`, or no tag at all (which means latest): whatever was pushed last. */
export function isLatest(image: Pick<ImageRef, 'tag'>): boolean {
  return effectiveTag(image) === 'latest';
}

export function isImageDigest(value: string): boolean {
  return DIGEST.test(value);
}
