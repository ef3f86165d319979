// The audit over a set of files already read: one resolver batch for every ref it needs (the
// refs in use, the versions the comments name and their `v` twins), then each check, a plain
// function, per reference and per file. Shared by `pinwarden audit` and, next, the App.
import { gateReference } from '../gate/gate.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from '../resolve/types.js';
import { refKey, uniqueRequests } from '../resolve/types.js';
import { isRemoteRef, repositoryOf } from '../workflow/parse-action-ref.js';
import type { LocateResult, UsesReference } from '../workflow/types.js';
import { COMPROMISES } from './compromise-data.js';
import { checkIndicators, indicatorsOf } from './iocs.js';
import { checkKnownCompromised, indexCompromises } from './known-compromised.js';
import type { CompromiseIndex } from './known-compromised.js';
import type { Finding } from './types.js';
import { severityRank } from './types.js';
import { checkVersionComment, commentVersion, twinOf } from './version-comment.js';

export interface AuditedFile {
  readonly path: string;
  readonly text: string;
  readonly located: LocateResult;
}

const BUILT_IN = indexCompromises(COMPROMISES);

export async function auditFiles(files: readonly AuditedFile[], resolver: RefResolver, index: CompromiseIndex = BUILT_IN): Promise<Finding[]> {
  const references = files.flatMap((file) => (file.located.ok ? file.located.references : []));
  const resolutions = await resolver.resolve([...uniqueRequests(references.flatMap(requestsFor)).values()]);
  const indicators = indicatorsOf(index.data);
  const findings = files.flatMap((file) => [
    ...checkIndicators(file.path, file.text, indicators),
    ...(file.located.ok ? file.located.references.flatMap((reference) => referenceFindings(file.path, reference, resolutions, index)) : [unreadable(file.path, file.located.error)]),
  ]);
  return findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.path.localeCompare(b.path) || a.line - b.line);
}

/** Every ref the checks of one reference need resolved. */
function requestsFor({ site, ref }: UsesReference): RefRequest[] {
  if (!isRemoteRef(ref)) return [];
  const named = commentVersion({ site, ref });
  const more = ref.refKind === 'full-sha' && named ? [named, twinOf(named)] : [];
  return [ref.ref, ...more].map((name) => ({ owner: ref.owner, repo: ref.repo, ref: name }));
}

function referenceFindings(path: string, reference: UsesReference, resolutions: ReadonlyMap<RefKey, Resolution>, index: CompromiseIndex): Finding[] {
  const { ref, site } = reference;
  const at = { path, line: site.line, uses: site.value };
  const gate = gateReference(reference);
  const gateFindings: Finding[] = gate.passes
    ? []
    : [
        isRemoteRef(ref) && gate.rule === 'must-stay-on-tag'
          ? { ...at, check: 'must-stay-on-tag', severity: ref.refKind === 'full-sha' ? 'high' : 'medium', message: gate.reason, evidence: { repository: repositoryOf(ref), ref: ref.ref } }
          : { ...at, check: 'unpinned', severity: 'medium', message: gate.reason, evidence: {} },
      ];
  if (!isRemoteRef(ref)) return gateFindings;
  const lookup = (name: string) => resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: name }));
  const own = lookup(ref.ref);
  const named = commentVersion(reference);
  return [
    ...checkKnownCompromised(path, reference, index, own?.status === 'resolved' ? own.sha : undefined),
    ...(named ? checkVersionComment(path, reference, { pinned: own, named: lookup(named), twin: lookup(twinOf(named)) }) : []),
    ...gateFindings,
  ];
}

function unreadable(path: string, error: string): Finding {
  return { path, line: 0, uses: '', check: 'unpinned', severity: 'medium', message: `the file cannot be read, so nothing in it was audited: ${error}`, evidence: {} };
}
