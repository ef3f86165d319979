// The Kyverno policies proposed to a repository that deploys to Kubernetes, built from what
// pinwarden read there, all in Audit mode (they report; they never block):
// - no image without a tag or on `latest`, and every image by digest: kyverno/policies'
//   `best-practices/disallow-latest-tag` and `other/require-image-checksum` (kyverno/policies @
//   b9c4317c, 2026-03-06; DEFENSE-FACTS §6.4), containers, init and ephemeral containers alike;
// - images only from the registries the manifests use (or the mirror a registry is pulled through),
//   in the form of `best-practices/restrict-image-registries` (a `|` pattern on each container list);
// - tags resolved to digests at admission: `verifyImages` with `mutateDigest: true`,
//   `required: false` and no attestor (Kyverno ≥ 1.7; its API's Validate asks only for an image
//   reference — kyverno/kyverno api/kyverno/v1/image_verification_types.go @ 00a09558);
// - where the organisation signs its images (`images.verify`, or a workflow here that runs
//   `cosign sign`): `verifyImages` with a keyless attestor, the signer's identity as
//   `subjectRegExp`, its issuer as `issuerRegExp`, Rekor's public instance.
// The objects are typed with @kubernetes-models/kyverno's API types (generated from Kyverno's Go
// API, so a misspelt key does not compile); the tests validate them with its schema validators.
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import type { IClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import type { IComGithubKyvernoKyvernoApiKyvernoV1Rule as Rule } from '@kubernetes-models/kyverno/kyverno.io/v1/Rule';
import type { ImageFileKind } from './types.js';
import { parseImageRef } from './image-reference.js';
import { escapeRegExp } from '../common/escape-regexp.js';

/** What the policies are built from: plain data the plan read. */
export interface KyvernoReading {
  /** The images the repository's manifests, charts and kustomizations name, as written. */
  readonly written: readonly string[];
  /** The host each mirrored registry is pulled through (`docker.io` → `harbor.corp.example`): the allowlist names it instead. */
  readonly mirrors: ReadonlyMap<string, string>;
  /** Who signs which images: Kyverno image references, and the signer's identity and issuer (RE2, matched whole). */
  readonly signers: readonly {
    readonly images: readonly string[];
    readonly identity: string;
    readonly issuer: string;
  }[];
}

export const HEADER = '# Proposed by pinwarden';
/** The OIDC issuer of GitHub Actions' tokens: what a workflow's keyless signature names. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
const PODS = { any: [{ resources: { kinds: ['Pod'] } }] };
const REKOR = 'https://rekor.sigstore.dev';

function policy(name: string, title: string, description: string, rules: Rule[], background = true): IClusterPolicy {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': title,
        'policies.kyverno.io/minversion': '1.7.0',
        'policies.kyverno.io/severity': 'medium',
        'policies.kyverno.io/subject': 'Pod',
        'policies.kyverno.io/description': description,
      },
    },
    spec: { validationFailureAction: 'Audit', background, rules },
  };
}

const eachContainer = (name: string, message: string, image: string): Rule => ({
  name,
  match: PODS,
  validate: {
    message,
    foreach: CONTAINER_LISTS.map((list) => ({ list: `request.object.spec.${list}`, pattern: { image } })),
  },
});

/**
 * `ghcr.io/* | nginx:* | nginx@*`: each registry a manifest names — or the mirror it is pulled
 * through — and Docker Hub's short names as written.
 */
export function allowedImagePatterns(reading: Pick<KyvernoReading, 'written' | 'mirrors'>): string[] {
  const patterns = new Set<string>();
  for (const written of reading.written) {
    const parsed = parseImageRef(written);
    const mirror = parsed.ok ? reading.mirrors.get(parsed.image.registry) : undefined;
    if (mirror) {
      patterns.add(`${mirror}/*`);
      continue;
    }
    const name = written.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
    const first = name.split('/')[0]!;
    // A first part with a dot or a port, or `localhost`, is a registry host (Docker's rule).
    if (name.includes('/') && (/[.:]/.test(first) || first === 'localhost')) patterns.add(`${first}/*`);
    // Docker Hub by its short name: that name, tagged, by digest, or bare (latest, which the tag policy reports).
    else patterns.add(`${name}:*`).add(`${name}@*`).add(name);
  }
  return [...patterns].sort();
}

/** The policies file for `reading`, one YAML document a policy. */
export function kyvernoPolicies(reading: KyvernoReading): string {
  const policies: IClusterPolicy[] = [
    policy(
      'disallow-latest-tag',
      'Disallow Latest Tag',
      'An image without a tag, or on latest, is whatever was pushed last; name a version.',
      [
        eachContainer('require-image-tag', 'An image tag is required.', '*:*'),
        eachContainer('validate-image-tag', "Using a mutable image tag e.g. 'latest' is not allowed.", '!*:latest'),
      ],
    ),
    policy(
      'require-image-checksum',
      'Require Images Use Checksums',
      'A tag can be moved to another image; a digest cannot. Every image names its sha256 digest.',
      [
        {
          name: 'require-image-checksum',
          match: PODS,
          validate: {
            message: 'Images must use checksums rather than tags.',
            pattern: {
              spec: {
                containers: [{ image: '*@*' }],
                '=(ephemeralContainers)': [{ image: '*@*' }],
                '=(initContainers)': [{ image: '*@*' }],
              },
            },
          },
        },
      ],
    ),
  ];
  const allowed = allowedImagePatterns(reading);
  if (allowed.length > 0) {
    const alternatives = allowed.join(' | ');
    policies.push(
      policy(
        'pinwarden-restrict-image-registries',
        'Restrict Image Registries',
        `Images come only from where this repository's manifests pull them${reading.mirrors.size > 0 ? ' (a mirrored registry: its mirror)' : ''}: a new registry is a decision, not a typo.`,
        [
          {
            name: 'validate-registries',
            match: PODS,
            validate: {
              message: `Images must come from: ${allowed.join(', ')}.`,
              pattern: {
                spec: {
                  '=(ephemeralContainers)': [{ image: alternatives }],
                  '=(initContainers)': [{ image: alternatives }],
                  containers: [{ image: alternatives }],
                },
              },
            },
          },
        ],
      ),
    );
  }
  policies.push(
    policy(
      'pinwarden-resolve-image-digests',
      'Resolve Image Tags to Digests',
      'Kyverno replaces each tag with the digest it names at admission, so a pod runs what was checked, even if the tag moves later.',
      [
        {
          name: 'resolve-tags-to-digests',
          match: PODS,
          verifyImages: [{ imageReferences: ['*'], mutateDigest: true, verifyDigest: false, required: false }],
        },
      ],
      false,
    ),
  );
  const groups = new Map<string, KyvernoReading['signers'][number][]>();
  for (const signer of reading.signers) {
    const key = JSON.stringify([...new Set(signer.images)].sort());
    groups.set(key, [...(groups.get(key) ?? []), signer]);
  }
  if (groups.size > 0)
    policies.push(
      policy(
        'pinwarden-verify-image-signatures',
        'Verify Image Signatures',
        "The organisation's images must be signed (cosign, keyless) by the workflows that build them.",
        [...groups].map(([images, signers], index) => ({
          name: `verify-signatures-${index + 1}`,
          match: PODS,
          verifyImages: [
            {
              imageReferences: JSON.parse(images) as string[],
              mutateDigest: true,
              required: true,
              attestors: [
                {
                  count: 1,
                  entries: signers.map((signer) => ({
                    keyless: {
                      subjectRegExp: `^(?:${signer.identity})$`,
                      issuerRegExp: `^${escapeRegExp(signer.issuer)}$`,
                      rekor: { url: REKOR },
                    },
                  })),
                },
              ],
            },
          ],
        })),
        false,
      ),
    );
  return [
    `${HEADER}: image policies in Audit mode (they report; they never block a deploy), from what it read in this repository.`,
    '# Switch validationFailureAction to Enforce once the policy reports are clean.',
    policies.map((one) => stringify(one, { lineWidth: 0 })).join('---\n'),
  ].join('\n');
}

export type KyvernoPlan =
  /** The repository deploys to Kubernetes: the policies are shown in the pull request. */
  | { readonly action: 'propose'; readonly path: string; readonly text: string }
  /** `images.kyverno: true`: the file is added at `path`. */
  | { readonly action: 'add'; readonly path: string; readonly text: string }
  /** The file is there with these policies already. */
  | { readonly action: 'present'; readonly path: string }
  /** pinwarden's file from an earlier reading: left as it is (it may carry edits), the new text shown. */
  | { readonly action: 'outdated'; readonly path: string; readonly text: string }
  /** Something else is at the path: left as it is. */
  | { readonly action: 'occupied'; readonly path: string };

const DEPLOYS_TO_KUBERNETES = new Set<ImageFileKind>(['kubernetes', 'helm-values', 'kustomization']);

/** Whether a file of this kind is deployed to a cluster (its images are what the policies allow). */
export function deploysToKubernetes(kind: ImageFileKind): boolean {
  return DEPLOYS_TO_KUBERNETES.has(kind);
}

/**
 * Kyverno's policies for a repository whose image files include manifests, charts or a
 * kustomization; `existing` is the text at `path` when there is one (null: something not a text file is there).
 */
export function planKyverno(
  kinds: readonly ImageFileKind[],
  reading: KyvernoReading,
  settings: { readonly add: boolean; readonly path: string },
  existing: string | null | undefined,
): KyvernoPlan | undefined {
  if (!kinds.some(deploysToKubernetes)) return undefined;
  if (existing === null) return { action: 'occupied', path: settings.path };
  const text = kyvernoPolicies(reading);
  if (existing !== undefined) {
    if (sameDocuments(existing, text)) return { action: 'present', path: settings.path };
    return existing.startsWith(HEADER)
      ? { action: 'outdated', path: settings.path, text }
      : { action: 'occupied', path: settings.path };
  }
  return settings.add ? { action: 'add', path: settings.path, text } : { action: 'propose', path: settings.path, text };
}

function sameDocuments(a: string, b: string): boolean {
  try {
    const read = (text: string) =>
      Array.from(parseAllDocuments(text), (document) =>
        document.errors.length > 0 ? Symbol('unreadable') : document.toJS(),
      );
    return isDeepStrictEqual(read(a), read(b));
  } catch {
    return false;
  }
}
