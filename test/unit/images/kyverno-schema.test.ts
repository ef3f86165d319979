// The Kyverno policies pinwarden proposes, validated against Kyverno's API: the schema validators of
// @kubernetes-models/kyverno (generated from Kyverno's Go API types, kyverno.io/v1 — the types
// Kyverno's CRDs are generated from; no package the npm or Debian registries hold ships the CRD
// YAML itself), and the rules
// Kyverno's own Validate adds beyond the schema (kyverno/kyverno api/kyverno/v1/
// image_verification_types.go @ 00a09558: an image reference is required; an attestor set needs an
// entry; an entry is exactly one of keys, certificates, keyless or a nested attestor; keyless needs
// Rekor's URL or roots).
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RE2JS } from 're2js';
import { ClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import type { IClusterPolicy } from '@kubernetes-models/kyverno/kyverno.io/v1/ClusterPolicy';
import { allowedImagePatterns, kyvernoPolicies } from '../../../src/images/kyverno-policies.js';

const RELEASE_IDENTITY = 'https://github\\.com/octo-org/app/\\.github/workflows/release\\.yml@refs/.+';
const READING = {
  written: [
    'nginx:1.27',
    'bitnami/redis:7.4@sha256:' + 'a'.repeat(64),
    'ghcr.io/octo-org/app:2.0',
    'registry.k8s.io/pause:3.9',
  ],
  mirrors: new Map<string, string>(),
  signers: [
    {
      images: ['ghcr.io/octo-org/app:*', 'ghcr.io/octo-org/app@*'],
      identity: RELEASE_IDENTITY,
      issuer: 'https://token.actions.githubusercontent.com',
    },
    {
      images: ['ghcr.io/octo-org/*'],
      identity: 'https://github\\.com/octo-org/[^/]+/\\.github/workflows/release\\.yml@refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
    },
  ],
};

const policiesOf = (text: string) => parseAllDocuments(text).map((document) => document.toJS() as IClusterPolicy);

/** What Kyverno's Validate checks of verifyImages beyond the schema; the problems found. */
function kyvernoValidate(policy: IClusterPolicy): string[] {
  const problems: string[] = [];
  for (const rule of policy.spec.rules ?? []) {
    // A rule does one thing (Kyverno's policy validation: "multiple types of rules are not allowed").
    const types = [rule.validate, rule.mutate, rule.generate, rule.verifyImages].filter((type) => type !== undefined);
    if (types.length !== 1)
      problems.push(`${rule.name}: a rule needs exactly one of validate, mutate, generate, verifyImages`);
    for (const verify of rule.verifyImages ?? []) {
      if ((verify.imageReferences ?? []).length === 0) problems.push(`${rule.name}: An image reference is required`);
      for (const set of verify.attestors ?? []) {
        if ((set.entries ?? []).length === 0) problems.push(`${rule.name}: An entry is required`);
        if (set.count !== undefined && set.count > (set.entries ?? []).length)
          problems.push(`${rule.name}: Count cannot exceed length of entries`);
        for (const entry of set.entries ?? []) {
          const kinds = [entry.keys, entry.certificates, entry.keyless, entry.attestor].filter(
            (kind) => kind !== undefined,
          );
          if (kinds.length !== 1)
            problems.push(`${rule.name}: keys, certificates, keyless, or a nested attestor is required`);
          if (entry.keyless && !entry.keyless.rekor?.url && !entry.keyless.roots)
            problems.push(`${rule.name}: Either Rekor URL or roots are required`);
        }
      }
    }
  }
  return problems;
}

/** Kyverno's wildcard match (`*` any run, `?` one character) of a `|`-separated pattern. */
function kyvernoPatternMatches(pattern: string, value: string): boolean {
  return pattern.split(' | ').some((alternative) =>
    new RegExp(
      `^${alternative
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
    ).test(value),
  );
}

describe('the Kyverno policies', () => {
  const policies = policiesOf(kyvernoPolicies(READING));

  it('are ClusterPolicies Kyverno’s schema and Validate accept, all in Audit mode', () => {
    expect(policies.map((policy) => policy.metadata?.name)).toEqual([
      'disallow-latest-tag',
      'require-image-checksum',
      'pinwarden-restrict-image-registries',
      'pinwarden-resolve-image-digests',
      'pinwarden-verify-image-signatures',
    ]);
    for (const policy of policies) {
      expect(() => new ClusterPolicy(policy).validate(), policy.metadata?.name).not.toThrow();
      expect(kyvernoValidate(policy), policy.metadata?.name).toEqual([]);
      expect(policy.spec.validationFailureAction).toBe('Audit');
    }
  });

  it('the validators refuse what Kyverno refuses (so passing means something)', () => {
    const digests = structuredClone(policies[3]!);
    digests.spec.validationFailureAction = 'Block' as never;
    expect(() => new ClusterPolicy(digests).validate()).toThrow(/validationFailureAction/);
    const noReference = structuredClone(policies[4]!);
    noReference.spec.rules![0]!.verifyImages![0]!.imageReferences = [];
    noReference.spec.rules![0]!.verifyImages![0]!.attestors![0]!.entries![0]!.keyless!.rekor = undefined as never;
    expect(kyvernoValidate(noReference)).toEqual([
      'verify-signatures-1: An image reference is required',
      'verify-signatures-1: Either Rekor URL or roots are required',
    ]);
    const wrongType = structuredClone(policies[4]!);
    (wrongType.spec.rules![0]!.verifyImages![0] as { mutateDigest: unknown }).mutateDigest = 'yes';
    expect(() => new ClusterPolicy(wrongType).validate()).toThrow(/mutateDigest/);
  });

  it('allow the registries the manifests use and nothing else', () => {
    const rule = policies[2]!.spec.rules![0]!;
    const pattern = (rule.validate!.pattern as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image;
    for (const image of READING.written) expect(kyvernoPatternMatches(pattern, image), image).toBe(true);
    for (const image of ['quay.io/evil/app:1', 'nginx.evil.io/x:1', 'nginxx:1', 'docker.io/evil/app:1'])
      expect(kyvernoPatternMatches(pattern, image), image).toBe(false);
    // Docker Hub pulled through the operator's mirror: its images are allowed only from there.
    expect(
      allowedImagePatterns({ written: READING.written, mirrors: new Map([['docker.io', 'harbor.corp.example']]) }),
    ).toEqual(['ghcr.io/*', 'harbor.corp.example/*', 'registry.k8s.io/*']);
  });

  it('resolve tags to digests at admission without requiring a signature', () => {
    expect(policies[3]!.spec.rules![0]!.verifyImages).toEqual([
      { imageReferences: ['*'], mutateDigest: true, verifyDigest: false, required: false },
    ]);
  });

  it('require the signature of the workflows that sign, by subject and issuer, with Rekor', () => {
    const rules = policies[4]!.spec.rules!;
    const keyless = rules[0]!.verifyImages![0]!.attestors![0]!.entries![0]!.keyless!;
    expect(rules[0]!.verifyImages![0]!.imageReferences).toEqual(['ghcr.io/octo-org/app:*', 'ghcr.io/octo-org/app@*']);
    expect(keyless.rekor).toEqual({ url: 'https://rekor.sigstore.dev' });
    // Kyverno reads these as Go regular expressions: RE2, as re2js does.
    const subject = RE2JS.compile(keyless.subjectRegExp!);
    expect(subject.matches('https://github.com/octo-org/app/.github/workflows/release.yml@refs/tags/v2.0.0')).toBe(
      true,
    );
    expect(subject.matches('https://github.com/someone/app/.github/workflows/release.yml@refs/tags/v2.0.0')).toBe(
      false,
    );
    expect(RE2JS.compile(keyless.issuerRegExp!).matches('https://token.actions.githubusercontent.com')).toBe(true);
    expect(RE2JS.compile(keyless.issuerRegExp!).matches('https://token.actions.githubusercontent.com.evil')).toBe(
      false,
    );
  });
});
