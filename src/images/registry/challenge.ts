// Reads a registry's `WWW-Authenticate` challenge (Docker "Registry authentication" spec):
// `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"`.
// The realm and service are taken from the challenge, never hard-coded per registry.

export type Challenge =
  | {
      readonly scheme: 'bearer';
      readonly realm: string;
      readonly service: string | undefined;
      readonly scope: string | undefined;
    }
  | { readonly scheme: 'basic' }
  | { readonly scheme: 'unknown'; readonly header: string };

const PARAM = /([A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;

export function parseChallenge(header: string | null): Challenge {
  if (!header) return { scheme: 'unknown', header: '' };
  const trimmed = header.trim().slice(0, 2048);
  const scheme = /^(\S+)/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'basic') return { scheme: 'basic' };
  if (scheme !== 'bearer') return { scheme: 'unknown', header: trimmed.slice(0, 100) };
  const params = new Map<string, string>();
  for (const match of trimmed.slice(6).matchAll(PARAM))
    params.set(match[1]!.toLowerCase(), (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1'));
  const realm = params.get('realm');
  if (!realm) return { scheme: 'unknown', header: trimmed.slice(0, 100) };
  return { scheme: 'bearer', realm, service: params.get('service'), scope: params.get('scope') };
}
