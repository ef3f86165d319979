// False alarms matter as much as catches: pin-time trust judged over every tag of the 33 real
// action repositories in ../shared/corpus/refs (what pinning each tag today would say).
import { describe, expect, it } from 'vitest';
import { BUILT_IN_COMPROMISES } from '../../src/audit/built-in.js';
import { knownGoodOf } from '../../src/audit/known-compromised.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { resolveFromRefs } from '../../src/resolve/repo-refs.js';
import { createPinTrust } from '../../src/trust/pin-trust.js';
import type { PinCandidate } from '../../src/trust/judge-pin.js';
import { createTableTrustSource } from '../../src/trust/table-trust-source.js';
import { DEFAULT_TRUST_POLICY } from '../../src/trust/types.js';
import { corpusAvailable, corpusRefsDir } from '../support/paths.js';

describe.skipIf(!corpusAvailable)('pin-time trust over the corpus refs', () => {
  it('holds no tag of the 33 repositories; without the known-good data, only tj-actions/changed-files v45.0.5 to v45.0.9', async () => {
    const refs = loadRefsDir(corpusRefsDir);
    const candidates: PinCandidate[] = refs.flatMap((repository) =>
      repository.tags.flatMap((tag) => {
        const resolution = resolveFromRefs(repository, tag.name);
        return resolution.status === 'resolved'
          ? [
              {
                repository: repository.repo,
                requested: tag.name,
                refType: resolution.refType,
                sha: resolution.sha,
                label: resolution.tag,
                tagsOnCommit: resolution.tagsOnCommit,
              },
            ]
          : [];
      }),
    );
    expect(candidates.length).toBeGreaterThan(2_500);
    const judge = async (isKnownGood: (repository: string, sha: string) => boolean) => {
      const judged = await createPinTrust(createTableTrustSource(refs), { isKnownGood }).judge(
        candidates,
        DEFAULT_TRUST_POLICY,
      );
      return judged.flatMap((judgement, index) =>
        (judgement?.verdicts ?? []).map(
          (verdict) => `${verdict.check} ${candidates[index]!.repository}@${candidates[index]!.requested}`,
        ),
      );
    };
    expect(await judge(knownGoodOf(BUILT_IN_COMPROMISES))).toEqual([]);
    // The tags the data lists as the cleanup's state: five releases on one commit of main.
    expect((await judge(() => false)).sort()).toEqual(
      ['v45.0.5', 'v45.0.6', 'v45.0.7', 'v45.0.8', 'v45.0.9'].map(
        (tag) => `mass-retag tj-actions/changed-files@${tag}`,
      ),
    );
  });
});
