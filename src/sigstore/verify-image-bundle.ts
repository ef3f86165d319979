// Whether a Sigstore bundle found beside an image signs that image: the bundle verifies against the
// trusted root (the certificate chains to a Fulcio CA and was logged in CT, the signature is the
// certificate's, Rekor's inclusion proof and checkpoint hold, all by @sigstore/verify), and what it
// signs is an in-toto statement naming this digest — cosign v3 signs an image that way; a bundle
// copied from another image verifies but names another digest. Who signed (the certificate's
// identity and issuer) is returned, never judged here: the repository's rules judge it.
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { VerifyBundle } from '../images/signatures.js';

const IN_TOTO = 'application/vnd.in-toto+json';

/** A verifier over `trustedRoot` (Sigstore's `trusted_root.json`, parsed); throws when it is not one. */
export function imageBundleVerifier(trustedRoot: unknown): VerifyBundle {
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot)), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
  });
  return (json, digest) => {
    let bundle;
    try {
      bundle = bundleFromJSON(json);
    } catch (error) {
      return { ok: false, reason: `not a Sigstore bundle: ${(error as Error).message}` };
    }
    if (bundle.content.$case !== 'dsseEnvelope')
      return { ok: false, reason: 'a message signature, which cannot be checked without its payload' };
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType !== IN_TOTO)
      return { ok: false, reason: `it signs ${envelope.payloadType}, not an in-toto statement` };
    let signer;
    try {
      signer = verifier.verify(toSignedEntity(bundle));
    } catch (error) {
      return { ok: false, reason: `it does not verify: ${(error as Error).message}` };
    }
    if (!namesDigest(envelope.payload, digest)) return { ok: false, reason: `it signs another image, not ${digest}` };
    const identity = signer.identity?.subjectAlternativeName;
    if (!identity) return { ok: false, reason: 'it is signed with a key, not a certificate naming who signed' };
    return { ok: true, identity, issuer: signer.identity?.extensions?.issuer };
  };
}

function namesDigest(payload: Buffer, digest: string): boolean {
  const [algorithm, hex] = digest.split(':');
  try {
    const statement = JSON.parse(payload.toString('utf8')) as { subject?: unknown };
    return (
      Array.isArray(statement.subject) &&
      statement.subject.some(
        (subject: unknown) =>
          typeof subject === 'object' &&
          subject !== null &&
          (subject as { digest?: Record<string, unknown> }).digest?.[algorithm ?? ''] === hex,
      )
    );
  } catch {
    return false;
  }
}
