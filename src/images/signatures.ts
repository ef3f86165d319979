// Who signed an image, and whether the repository's rules accept it. The registry adapter reads
// what lies beside a digest (Sigstore bundles, cosign's legacy `.sig` tag) and has each bundle
// verified; here those facts meet `images.verify`: an image a rule names must carry a verified
// signature whose certificate identity matches the rule's regular expression (RE2 syntax, as cosign
// and Kyverno read it, matched whole) and whose issuer is the rule's. Plain data in and out.
import { GLOB_STEP_BUDGET, matchGlob } from '../config/glob.js';
import { identityMatches } from '../config/identity-pattern.js';
import { canonicalName } from './image-reference.js';
import type { ImageRef } from './image-reference.js';

export interface Signer {
  /** The certificate's subject alternative name: a workflow's URI for GitHub's keyless signing. */
  readonly identity: string;
  /** The OIDC issuer the certificate names (`https://token.actions.githubusercontent.com`). */
  readonly issuer: string | undefined;
}

export type SignatureFacts =
  | {
      readonly status: 'signed';
      /** Bundles that verified: who signed them. */
      readonly signers: readonly Signer[];
      /** Bundles that did not verify, or could not be checked, and why. */
      readonly problems: readonly string[];
      /** A cosign `.sig` tag (the legacy format) is there; pinwarden does not verify it. */
      readonly legacy: boolean;
    }
  | { readonly status: 'not-signed' }
  | { readonly status: 'not-checked'; readonly reason: string };

/** `ghcr.io/acme/app@sha256:…`: what a signature is read for. */
export type SignatureKey = string & { readonly __signatureKey: unique symbol };

export function signatureKey(image: Pick<ImageRef, 'registry' | 'repository'>, digest: string): SignatureKey {
  return `${canonicalName(image)}@${digest}` as SignatureKey;
}

export interface SignatureTarget {
  readonly image: ImageRef;
  readonly digest: string;
}

/** One `images.verify` entry: images (a glob over `registry/name`) and who must have signed them. */
export interface VerifyRule {
  readonly image: string;
  readonly identity: string;
  readonly issuer: string;
}

export type SignatureVerdict =
  | { readonly ok: true; readonly signer: Signer }
  | { readonly ok: false; readonly rule: VerifyRule; readonly reason: string };

/**
 * One budget of glob steps for one config's rules (the array, as loaded for a run), as `ignore.paths`
 * has: a repository's globs cannot stall the App however many images they are matched against.
 */
const budgets = new WeakMap<readonly VerifyRule[], { steps: number }>();

/** The rules that name `image`; 'spent' once the rules' glob budget is (every image is then refused). */
export function rulesFor(
  image: Pick<ImageRef, 'registry' | 'repository'>,
  rules: readonly VerifyRule[],
): VerifyRule[] | 'spent' {
  let budget = budgets.get(rules);
  if (!budget) budgets.set(rules, (budget = { steps: GLOB_STEP_BUDGET }));
  const name = canonicalName(image);
  const named = rules.filter((rule) => matchGlob(rule.image, name, budget));
  return budget.steps <= 0 ? 'spent' : named;
}

/**
 * Undefined when no rule names the image; otherwise whether its signatures satisfy every rule that
 * names it (each by a verified signer of the rule's identity and issuer).
 */
export function signatureVerdict(
  image: Pick<ImageRef, 'registry' | 'repository'>,
  facts: SignatureFacts | undefined,
  rules: readonly VerifyRule[],
): SignatureVerdict | undefined {
  const named = rulesFor(image, rules);
  // Fail closed: an image the rules might name is not written unverified.
  if (named === 'spent')
    return {
      ok: false,
      rule: rules[0]!,
      reason: "`images.verify`'s image globs spent their matching budget on this run; simplify them",
    };
  if (named.length === 0) return undefined;
  let accepted: Signer | undefined;
  for (const rule of named) {
    const failure = (reason: string): SignatureVerdict => ({ ok: false, rule, reason });
    if (!facts) return failure('its signature was not read');
    if (facts.status === 'not-checked') return failure(`its signature could not be checked: ${facts.reason}`);
    if (facts.status === 'not-signed') return failure('no Sigstore signature of this digest was found');
    const signer = facts.signers.find(
      (one) => one.issuer === rule.issuer && identityMatches(rule.identity, one.identity),
    );
    if (!signer) return failure(describeMismatch(facts));
    accepted ??= signer;
  }
  return { ok: true, signer: accepted! };
}

function describeMismatch(facts: Extract<SignatureFacts, { status: 'signed' }>): string {
  if (facts.signers.length > 0)
    return `it is signed only by ${facts.signers.map((one) => `\`${one.identity}\` (issuer \`${one.issuer ?? 'none'}\`)`).join(', ')}`;
  const why = [
    ...facts.problems,
    ...(facts.legacy
      ? [
          "a cosign `.sig` signature (the legacy format, which pinwarden does not verify; cosign v3 signs in Sigstore's bundle format)",
        ]
      : []),
  ];
  return `no signature of it verified: ${why.join('; ') || 'none was found'}`;
}

/** One bundle's check (by the Sigstore adapter): who signed it, or why it does not count. */
export type BundleCheck =
  | { readonly ok: true; readonly identity: string; readonly issuer: string | undefined }
  | { readonly ok: false; readonly reason: string };

/** Checks a bundle (parsed JSON) against the digest it was found beside. */
export type VerifyBundle = (bundle: unknown, digest: string) => BundleCheck;

/** The bundles and legacy signature read beside a digest, checked: the facts the rules judge. */
export function signatureFacts(
  read: { readonly bundles: readonly unknown[]; readonly problems: readonly string[]; readonly legacy: boolean },
  digest: string,
  verify: VerifyBundle | string,
): SignatureFacts {
  if (read.bundles.length === 0 && !read.legacy)
    // Nothing readable is there: unsigned, or (when something could not be read) not known.
    return read.problems.length === 0
      ? { status: 'not-signed' }
      : { status: 'not-checked', reason: read.problems.join('; ') };
  const signers: Signer[] = [];
  const problems = [...read.problems];
  for (const bundle of read.bundles) {
    const check = typeof verify === 'string' ? { ok: false as const, reason: verify } : verify(bundle, digest);
    if (check.ok) signers.push({ identity: check.identity, issuer: check.issuer });
    else problems.push(`a bundle ${check.reason}`);
  }
  return { status: 'signed', signers, problems, legacy: read.legacy };
}
