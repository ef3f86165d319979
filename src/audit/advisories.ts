// GitHub's advisories for actions, evaluated here: the version a reference runs is the longest
// tag on its commit (`v1.2.3` rather than `v1`), matched against each advisory's vulnerable range
// for that action. Advisories name no commits, so a pin to a bad commit with no tag is left to
// the known-compromised check.
import type { Resolution } from '../resolve/types.js';
import { repositoryOf } from '../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../workflow/types.js';
import type { ActionAdvisory } from './audit-facts.js';
import type { Finding } from './types.js';
import { codeUnitOrder } from '../common/code-unit-order.js';
import { inVersionRange, parseVersion } from './version-range.js';

/** The version a reference runs, as advisories name versions. */
export function runningVersion(ref: RemoteRef, resolution: Resolution | undefined): string | undefined {
  const tags = resolution?.status === 'resolved' ? resolution.tagsOnCommit.filter((tag) => parseVersion(tag)) : [];
  const longest = [...tags].sort((a, b) => b.length - a.length || codeUnitOrder(a, b))[0];
  if (longest) return longest;
  return ref.refKind === 'version-tag' ? ref.ref : undefined;
}

export function checkAdvisories(
  path: string,
  reference: UsesReference,
  resolution: Resolution | undefined,
  advisories: readonly ActionAdvisory[],
): Finding[] {
  if (advisories.length === 0) return [];
  const ref = reference.ref as RemoteRef;
  const repository = repositoryOf(ref).toLowerCase();
  const version = runningVersion(ref, resolution);
  if (!version) return [];
  return advisories
    .filter(
      (advisory) =>
        advisory.package.toLowerCase() === repository && inVersionRange(version, advisory.vulnerableVersionRange),
    )
    .map((advisory) => ({
      path,
      line: reference.site.line,
      uses: reference.site.value,
      check: 'advisory' as const,
      severity: advisory.severity,
      message: `${repositoryOf(ref)} ${version} is affected by ${advisory.ghsaId}: ${advisory.summary}${advisory.firstPatchedVersion ? `; first patched version: ${advisory.firstPatchedVersion}` : '; no patched version yet'}.`,
      evidence: {
        ghsaId: advisory.ghsaId,
        version,
        vulnerableVersionRange: advisory.vulnerableVersionRange,
        firstPatchedVersion: advisory.firstPatchedVersion ?? null,
        link: `https://github.com/advisories/${advisory.ghsaId}`,
      },
    }));
}
