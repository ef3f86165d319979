// "Were we hit?": for each incident whose action the repository's workflows name, the runs
// created inside the incident's window are listed, and each run's workflow file is read as it
// was at the run's commit. A run whose workflow named the action by a tag the attackers moved
// (or pinned a bad commit) ran the malicious code: those runs, and the secrets they could read,
// are named. Run records are not kept for ever; when none are listed that is said, not taken as
// "not hit".
import { isRemoteRef, repositoryOf } from '../workflow/parse-action-ref.js';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import type { RemoteRef } from '../workflow/types.js';
import type { AuditFacts } from './audit-facts.js';
import type { AuditedFile } from './audit-files.js';
import { BUILT_IN_COMPROMISES } from './built-in.js';
import type { CompromiseIndex } from './known-compromised.js';
import { tagWasMoved } from './known-compromised.js';
import type { Finding } from './types.js';

export interface ExposureReport {
  readonly findings: Finding[];
  readonly notes: string[];
}

export async function checkExposure(
  owner: string,
  repo: string,
  files: readonly AuditedFile[],
  facts: AuditFacts,
  index: CompromiseIndex = BUILT_IN_COMPROMISES,
): Promise<ExposureReport> {
  if (!facts.workflowRuns || !facts.filesAt) return { findings: [], notes: [] };
  const named = new Set(
    files
      .flatMap((file) => (file.located.ok ? file.located.references : []))
      .flatMap(({ ref }) => (isRemoteRef(ref) ? [repositoryOf(ref).toLowerCase()] : [])),
  );
  const incidents = index.data.incidents.filter((incident) => named.has(incident.repository.toLowerCase()));
  const findings: Finding[] = [];
  const notes: string[] = [];
  for (const incident of incidents) {
    const listed = await facts.workflowRuns(owner, repo, incident.window);
    if ('unavailable' in listed) {
      notes.push(`runs during the ${incident.id} window were not checked: ${listed.unavailable}`);
      continue;
    }
    if (listed.runs.length === 0) {
      notes.push(
        `no workflow run is recorded from ${incident.window.start} to ${incident.window.end}: none ran then, or GitHub no longer keeps run records that old — this does not show the repository was not hit`,
      );
      continue;
    }
    const texts = await facts.filesAt(
      owner,
      repo,
      listed.runs.map((run) => ({ sha: run.headSha, path: run.path })),
    );
    for (const run of listed.runs) {
      const text = texts.get(`${run.headSha}:${run.path}`);
      const located = text === undefined ? undefined : locateUsesSites(text, 'workflow');
      if (!located?.ok) continue;
      for (const { site, ref } of located.references) {
        if (!isRemoteRef(ref) || repositoryOf(ref).toLowerCase() !== incident.repository.toLowerCase()) continue;
        const remote = ref as RemoteRef;
        const ran =
          remote.refKind === 'full-sha'
            ? index.badCommit(incident.repository, remote.ref) !== undefined
            : tagWasMoved(incident, remote.ref);
        if (!ran) continue;
        findings.push({
          path: run.path,
          line: site.line,
          uses: site.value,
          check: 'known-compromised',
          severity: 'critical',
          message: `run ${run.id} (${run.url}), started ${run.createdAt}, used ${site.value} while it pointed to malicious code (${incident.advisories.join(', ')}): that run's secrets were exposed. Rotate every secret it could read.`,
          evidence: {
            run: run.id,
            url: run.url,
            createdAt: run.createdAt,
            commit: run.headSha,
            incident: incident.id,
            window: incident.window,
          },
        });
      }
    }
  }
  return { findings, notes };
}
