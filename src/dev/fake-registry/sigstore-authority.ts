// A Sigstore of our own for tests, the demo and the fake registry: a Fulcio-like CA (with its CT
// log) and a Rekor log from @sigstore/mock, Rekor answering on loopback, and @sigstore/sign's DSSE
// bundle builder. It signs as cosign v3 signs an image (a DSSE envelope around an in-toto statement
// whose subject is the image's digest) with any identity and issuer we choose, and gives the trusted
// root that verifies what it signed — and nothing Sigstore's public instance signed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import { DSSEBundleBuilder, RekorWitness } from '@sigstore/sign';
import type { Signer } from '@sigstore/sign';
import { bundleToJSON } from '@sigstore/bundle';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { GITHUB_ACTIONS_ISSUER } from '../../images/kyverno-policies.js';

/** Fulcio's OIDs for the token's issuer (v1 raw, v2 DER-encoded). */
const ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

export interface SigstoreAuthority {
  /** The trusted root (JSON) that verifies this authority's signatures. */
  readonly trustedRoot: unknown;
  /** A cosign-v3-style signature bundle (JSON) of `name@digest` by `identity` from `issuer`. */
  signImage(name: string, digest: string, identity: string, issuer?: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startSigstoreAuthority(): Promise<SigstoreAuthority> {
  const keys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeys = keys();
  const ctlog = await initializeCTLog(caKeys);
  const ca = await initializeCA(caKeys, ctlog);
  const tlogKeys = keys();
  const tlog = await initializeTLog('https://rekor.pinwarden.test', tlogKeys);
  const rekor = rekorHandler(tlog, { strict: true });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== rekor.path) {
        response.writeHead(404).end();
        return;
      }
      rekor.fn(Buffer.concat(chunks).toString('utf8')).then(
        (answer) => {
          response.writeHead(answer.statusCode, { 'content-type': answer.contentType ?? 'application/json' });
          response.end(answer.response);
        },
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const rekorBaseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signer = (identity: string, issuer: string): Signer => ({
    async sign(data) {
      const own = keys();
      const certificate = await ca.issueCertificate({
        publicKey: own.publicKey.export({ format: 'der', type: 'spki' }),
        subjectAltName: identity,
        extensions: [
          { oid: ISSUER_V1, value: issuer, legacy: true },
          { oid: ISSUER_V2, value: issuer },
        ],
      });
      const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength).toString('base64')}\n-----END CERTIFICATE-----\n`;
      return {
        signature: signBytes('sha256', data, own.privateKey),
        key: { $case: 'x509Certificate', certificate: pem },
      };
    },
  });

  const since = new Date(Date.now() - 24 * 3600_000);
  const trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.pinwarden.test',
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: {
          rawBytes: tlog.publicKey,
          keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
          validFor: { start: since },
        },
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest() },
        checkpointKeyId: undefined,
        operator: 'pinwarden.test',
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.pinwarden.test',
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer) }] },
        validFor: { start: since },
        operator: 'pinwarden.test',
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.pinwarden.test',
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: {
          rawBytes: ctlog.publicKey,
          keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
          validFor: { start: since },
        },
        logId: { keyId: Buffer.from(ctlog.logID.buffer) },
        checkpointKeyId: undefined,
        operator: 'pinwarden.test',
      },
    ],
    timestampAuthorities: [],
  });

  return {
    trustedRoot,
    async signImage(name, digest, identity, issuer = GITHUB_ACTIONS_ISSUER) {
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name, digest: { sha256: digest.replace(/^sha256:/, '') } }],
        predicateType: 'https://sigstore.dev/cosign/sign/v1',
        predicate: {},
      };
      const builder = new DSSEBundleBuilder({
        signer: signer(identity, issuer),
        witnesses: [new RekorWitness({ rekorBaseURL, entryType: 'intoto' })],
      });
      const bundle = await builder.create({
        data: Buffer.from(JSON.stringify(statement)),
        type: 'application/vnd.in-toto+json',
      });
      return bundleToJSON(bundle);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
