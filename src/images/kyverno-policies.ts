// The two Kyverno policies proposed to repositories that hold Kubernetes manifests or charts, in
// Audit mode (they report, never block): no image without a tag or on `latest`, and every image
// by digest. They follow kyverno/policies' `best-practices/disallow-latest-tag` and
// `other/require-image-checksum` (kyverno/policies @ b9c4317c, 2026-03-06; DEFENSE-FACTS §6.4),
// covering containers, init containers and ephemeral containers alike.
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { ImageFileKind } from './types.js';

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

const foreachLines = (image: string): string[] =>
  CONTAINER_LISTS.flatMap((list) => [
    `        - list: "request.object.spec.${list}"`,
    '          pattern:',
    `            image: "${image}"`,
  ]);

const header = (name: string, title: string, description: string): string[] => [
  'apiVersion: kyverno.io/v1',
  'kind: ClusterPolicy',
  'metadata:',
  `  name: ${name}`,
  '  annotations:',
  `    policies.kyverno.io/title: ${title}`,
  '    policies.kyverno.io/minversion: 1.6.0',
  '    policies.kyverno.io/severity: medium',
  '    policies.kyverno.io/subject: Pod',
  `    policies.kyverno.io/description: ${description}`,
  'spec:',
  '  validationFailureAction: Audit',
  '  background: true',
  '  rules:',
];

const podRule = (name: string, message: string, body: readonly string[]): string[] => [
  `  - name: ${name}`,
  '    match:',
  '      any:',
  '      - resources:',
  '          kinds:',
  '          - Pod',
  '    validate:',
  `      message: "${message}"`,
  ...body,
];

/** The policies file pinwarden proposes (and writes with `images.kyverno: true`). */
export const KYVERNO_POLICIES = [
  '# Proposed by pinwarden: image policies in Audit mode (they report; they never block a deploy).',
  '# After kyverno/policies: best-practices/disallow-latest-tag and other/require-image-checksum.',
  '# Switch validationFailureAction to Enforce once the reports are clean.',
  ...header(
    'disallow-latest-tag',
    'Disallow Latest Tag',
    'An image without a tag, or on latest, is whatever was pushed last; name a version.',
  ),
  ...podRule('require-image-tag', 'An image tag is required.', ['      foreach:', ...foreachLines('*:*')]),
  ...podRule('validate-image-tag', "Using a mutable image tag e.g. 'latest' is not allowed.", [
    '      foreach:',
    ...foreachLines('!*:latest'),
  ]),
  '---',
  ...header(
    'require-image-checksum',
    'Require Images Use Checksums',
    'A tag can be moved to another image; a digest cannot. Every image names its sha256 digest.',
  ),
  ...podRule('require-image-checksum', 'Images must use checksums rather than tags.', [
    '      pattern:',
    '        spec:',
    '          containers:',
    '          - image: "*@*"',
    '          =(ephemeralContainers):',
    '          - image: "*@*"',
    '          =(initContainers):',
    '          - image: "*@*"',
  ]),
  '',
].join('\n');

export type KyvernoPlan =
  /** The repository deploys to Kubernetes: the policies are shown in the pull request. */
  | { readonly action: 'propose'; readonly path: string }
  /** `images.kyverno: true`: the file is added at `path`. */
  | { readonly action: 'add'; readonly path: string; readonly text: string }
  /** The file is there with these policies already. */
  | { readonly action: 'present'; readonly path: string }
  /** Something else is at the path: left as it is. */
  | { readonly action: 'occupied'; readonly path: string };

const DEPLOYS_TO_KUBERNETES = new Set<ImageFileKind>(['kubernetes', 'helm-values', 'kustomization']);

/**
 * Kyverno's policies for a repository whose image files include manifests, charts or a
 * kustomization; `existing` is the text at `path` when there is one (null: something not a text file is there).
 */
export function planKyverno(
  kinds: readonly ImageFileKind[],
  settings: { readonly add: boolean; readonly path: string },
  existing: string | null | undefined,
): KyvernoPlan | undefined {
  if (!kinds.some((kind) => DEPLOYS_TO_KUBERNETES.has(kind))) return undefined;
  if (existing === null) return { action: 'occupied', path: settings.path };
  if (existing !== undefined)
    return sameDocuments(existing, KYVERNO_POLICIES)
      ? { action: 'present', path: settings.path }
      : { action: 'occupied', path: settings.path };
  return settings.add
    ? { action: 'add', path: settings.path, text: KYVERNO_POLICIES }
    : { action: 'propose', path: settings.path };
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
