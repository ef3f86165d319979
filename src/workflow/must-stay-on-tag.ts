// Actions and reusable workflows that refuse to run from a commit SHA: pinning them breaks the
// workflow. slsa-github-generator's generators and builders check that they were called by a
// release tag ("Invalid ref … Expected ref of the form refs/tags/vX.Y.Z"; several projects broke
// their releases by pinning them). They stay on a full `vX.Y.Z` tag; config can add more.
import { matchesActionGlobs } from '../config/action-globs.js';
import type { RemoteRef } from './types.js';

export interface MustStayOnTag {
  readonly pattern: string;
  readonly why: string;
  readonly source: string;
}

export const MUST_STAY_ON_TAG: readonly MustStayOnTag[] = [
  {
    pattern: 'slsa-framework/slsa-github-generator/.github/workflows/*',
    why: 'slsa-github-generator verifies that it was called by a release tag and refuses to run from a commit SHA ("Invalid ref … Expected ref of the form refs/tags/vX.Y.Z")',
    source: 'https://github.com/slsa-framework/slsa-github-generator#referencing-slsa-builders-and-generators',
  },
];

const FULL_VERSION = /^v\d+\.\d+\.\d+$/;

/** The entry that keeps `ref` on a tag, if any (built-in list, then `extra` globs from config). */
export function mustStayOnTag(ref: RemoteRef, extra: readonly string[] = []): MustStayOnTag | undefined {
  const builtIn = MUST_STAY_ON_TAG.find((entry) => matchesActionGlobs([entry.pattern], ref));
  if (builtIn) return builtIn;
  const configured = extra.find((glob) => matchesActionGlobs([glob], ref));
  return configured
    ? {
        pattern: configured,
        why: 'the repository\u2019s config says it must stay on a tag',
        source: '.github/pinwarden.yml',
      }
    : undefined;
}

export function isFullVersionTag(ref: string): boolean {
  return FULL_VERSION.test(ref);
}
