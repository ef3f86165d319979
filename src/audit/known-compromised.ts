// Known-compromised commits and moved tags (data/compromises.json): a pin to a bad commit is
// critical; a tag of an affected action is reported with the hours it was malicious, so the
// maintainer can check the runs of those hours; a wrapper whose own action.yml called a moved tag
// is reported as exposed, not as malicious. Plain functions over the data and a reference.
import { isRemoteRef, repositoryOf } from '../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../workflow/types.js';
import type { CompromiseData, Incident } from './compromise-data.js';
import type { Finding } from './types.js';
import { inVersionRange } from './version-range.js';

export interface CompromiseIndex {
  /** The incident whose bad commit `sha` of `repository` is, if any. */
  badCommit(
    repository: string,
    sha: string,
  ): { incident: Incident; commit: Incident['badCommits'][number] } | undefined;
  incidentsOf(repository: string): readonly Incident[];
  transitiveOf(repository: string): readonly { incident: Incident; entry: Incident['transitive'][number] }[];
  readonly data: CompromiseData;
}

export function indexCompromises(data: CompromiseData): CompromiseIndex {
  const key = (repository: string) => repository.toLowerCase();
  const bad = new Map<string, { incident: Incident; commit: Incident['badCommits'][number] }>();
  const byRepository = new Map<string, Incident[]>();
  const wrappers = new Map<string, { incident: Incident; entry: Incident['transitive'][number] }[]>();
  const byId = new Map(data.incidents.map((incident) => [incident.id, incident]));
  for (const incident of data.incidents) {
    for (const commit of incident.badCommits)
      bad.set(`${key(incident.repository)}@${commit.sha}`, { incident, commit });
    byRepository.set(key(incident.repository), [...(byRepository.get(key(incident.repository)) ?? []), incident]);
    for (const entry of incident.transitive) {
      const via = byId.get(entry.incident) ?? incident;
      wrappers.set(key(entry.wrapper), [...(wrappers.get(key(entry.wrapper)) ?? []), { incident: via, entry }]);
    }
  }
  return {
    data,
    badCommit: (repository, sha) => bad.get(`${key(repository)}@${sha.toLowerCase()}`),
    incidentsOf: (repository) => byRepository.get(key(repository)) ?? [],
    transitiveOf: (repository) => wrappers.get(key(repository)) ?? [],
  };
}

/** Whether the incident moved the tag `ref` (by version range, or by name). */
export function tagWasMoved(incident: Incident, ref: string): boolean {
  if (incident.movedTags.names?.includes(ref)) return true;
  return incident.movedTags.versions !== undefined && inVersionRange(ref, incident.movedTags.versions);
}

function window(incident: Incident): string {
  return `${incident.window.start} to ${incident.window.end} UTC (${incident.window.precision})`;
}

function evidenceOf(incident: Incident): Record<string, unknown> {
  return { incident: incident.id, advisories: incident.advisories, window: incident.window, sources: incident.sources };
}

/**
 * Findings for one reference. `resolvedSha` is what a tag or branch names today, when known:
 * a tag that names a bad commit now is as critical as a pin to it.
 */
export function checkKnownCompromised(
  path: string,
  reference: UsesReference,
  index: CompromiseIndex,
  resolvedSha?: string,
): Finding[] {
  const { site, ref } = reference;
  if (!isRemoteRef(ref)) return [];
  const repository = repositoryOf(ref);
  const at = { path, line: site.line, uses: site.value, check: 'known-compromised' as const };
  const findings: Finding[] = [];
  const pinned = ref.refKind === 'full-sha' ? ref.ref : resolvedSha;
  const bad = pinned ? index.badCommit(repository, pinned) : undefined;
  if (bad) {
    const how =
      ref.refKind === 'full-sha'
        ? 'is pinned to'
        : `names, today, the commit ${pinned} — pinwarden will not pin it, and`;
    findings.push({
      ...at,
      severity: 'critical',
      message: `${site.value} ${how} a known-compromised commit of ${repository} (${bad.incident.title}; ${bad.incident.advisories.join(', ')}). Remove it, treat every secret this workflow could read as stolen, and check its runs.`,
      evidence: {
        ...evidenceOf(bad.incident),
        commit: bad.commit.sha,
        tag: bad.commit.tag,
        thirdParty: bad.commit.thirdParty,
        source: bad.commit.source,
      },
    });
  }
  if (ref.refKind !== 'full-sha') {
    for (const incident of index.incidentsOf(repository)) {
      if (!tagWasMoved(incident, ref.ref)) continue;
      findings.push({
        ...at,
        severity: 'high',
        message: `${repository}@${ref.ref} was moved to malicious code from ${window(incident)} (${incident.advisories.join(', ')}). If this workflow ran in those hours, it ran that code: check those runs and rotate the secrets they could read.`,
        evidence: { ...evidenceOf(incident), ref: ref.ref },
      });
    }
  }
  findings.push(...transitiveFindings(at, ref, index));
  return findings;
}

function transitiveFindings(
  at: Pick<Finding, 'path' | 'line' | 'uses'>,
  ref: RemoteRef,
  index: CompromiseIndex,
): Finding[] {
  return index.transitiveOf(repositoryOf(ref)).flatMap(({ incident, entry }): Finding[] => {
    // An entry naming a commit applies to that commit (or the tag naming it); one without, to any version.
    if (entry.sha !== undefined && entry.sha !== ref.ref && entry.ref !== ref.ref) return [];
    const certain = entry.certainty === 'exposed';
    return [
      {
        ...at,
        check: 'transitive',
        severity: certain && entry.sha !== undefined ? 'high' : 'medium',
        message: `${at.uses} ${entry.sha !== undefined ? 'calls' : 'called (in its versions of the time)'} ${entry.calls} inside its own action.yml, a tag that was moved to malicious code from ${window(incident)}: pinning the wrapper by SHA did not protect runs in those hours${certain ? '' : ` (${entry.certainty})`}. Check those runs; upgrade to a version that pins its own dependencies.`,
        evidence: {
          ...evidenceOf(incident),
          wrapper: entry.wrapper,
          calls: entry.calls,
          certainty: entry.certainty,
          ...(entry.sha ? { commit: entry.sha } : {}),
        },
      },
    ];
  });
}

/** Commits the data lists as good (a maintainers' cleanup may put several release tags on one): never held for that. */
export function knownGoodOf(index: CompromiseIndex): (repository: string, sha: string) => boolean {
  const good = new Set(
    index.data.incidents.flatMap((incident) =>
      incident.knownGood.map((entry) => `${incident.repository.toLowerCase()}@${entry.sha}`),
    ),
  );
  return (repository, sha) => good.has(`${repository.toLowerCase()}@${sha.toLowerCase()}`);
}
