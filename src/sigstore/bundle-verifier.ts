// Where the App's bundle verifier gets Sigstore's trusted root: a file the operator names
// (`PINWARDEN_SIGSTORE_TRUSTED_ROOT`: an air-gapped install, a private Sigstore, tests and the
// demo), else Sigstore's TUF repository through @sigstore/tuf, as cosign and sigstore-js get it.
// Read once when the first bundle is found; a failure is said for every image it leaves unverified
// and tried again ten minutes later.
import { readFile } from 'node:fs/promises';
import { getTrustedRoot } from '@sigstore/tuf';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { VerifyBundle } from '../images/signatures.js';
import { imageBundleVerifier } from './verify-image-bundle.js';

const RETRY_MS = 10 * 60_000;

export interface TrustedRootSource {
  /** A `trusted_root.json` to use instead of Sigstore's TUF repository. */
  readonly file?: string | undefined;
  /** Where @sigstore/tuf keeps its cache (its default: the user's cache folder). */
  readonly tufCachePath?: string | undefined;
  readonly now?: () => number;
}

/** A loader: the verifier, or why there is none (the reason goes into each unverified image's line). */
export function bundleVerifierLoader(source: TrustedRootSource): () => Promise<VerifyBundle | string> {
  const now = source.now ?? Date.now;
  let held: { at: number; failed: boolean; answer: Promise<VerifyBundle | string> } | undefined;
  const load = async (): Promise<VerifyBundle | string> => {
    try {
      const json: unknown = source.file
        ? JSON.parse(await readFile(source.file, 'utf8'))
        : TrustedRoot.toJSON(await getTrustedRoot(source.tufCachePath ? { cachePath: source.tufCachePath } : {}));
      return imageBundleVerifier(json);
    } catch (error) {
      const where = source.file ? `the trusted root ${source.file}` : "Sigstore's trusted root (TUF)";
      return `${where} could not be read: ${(error as Error).message}`;
    }
  };
  return () => {
    if (!held || (held.failed && now() - held.at > RETRY_MS)) {
      const loading = { at: now(), failed: false, answer: load() };
      void loading.answer.then((answer) => (loading.failed = typeof answer === 'string'));
      held = loading;
    }
    return held.answer;
  };
}
