// Actions called inside the actions a workflow uses: each composite action's action.yml is read
// at the commit the workflow runs (cached by repository and commit), its own `uses:` checked, and
// those followed in turn, three levels deep. A SHA-pinned wrapper that calls `setup-trivy@v0.2.1`
// ran whatever that tag named; GitHub's "require full-length commit SHA" policy fails such runs.
import { LRUCache } from 'lru-cache';
import { gateReference } from '../gate/gate.js';
import type { RefKey, Resolution } from '../resolve/types.js';
import { refKey, uniqueRequests } from '../resolve/types.js';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import { isRemoteRef, repositoryOf } from '../workflow/parse-action-ref.js';
import type { RemoteRef, UsesReference } from '../workflow/types.js';
import type { AuditFacts, ManifestQuestion } from './audit-facts.js';
import { manifestKey } from './audit-facts.js';
import { checkKnownCompromised } from './known-compromised.js';
import type { CompromiseIndex } from './known-compromised.js';
import type { Finding } from './types.js';

export const TRANSITIVE_DEPTH = 3;

export interface TransitiveRoot {
  readonly path: string;
  readonly reference: UsesReference;
  /** The commit the workflow runs: the pin, or what the tag names today. */
  readonly sha: string;
}

interface Step {
  readonly root: TransitiveRoot;
  readonly ref: RemoteRef;
  readonly sha: string;
  /** `a@x → b@y`: how the root reaches this action. */
  readonly chain: readonly string[];
}

export interface TransitiveResult {
  readonly findings: Finding[];
  /** Nested references a "require full-length commit SHA" policy would refuse. */
  readonly policyBlockers: string[];
}

export async function scanTransitive(
  roots: readonly TransitiveRoot[],
  facts: AuditFacts,
  index: CompromiseIndex,
  depth = TRANSITIVE_DEPTH,
): Promise<TransitiveResult> {
  const findings: Finding[] = [];
  const policyBlockers = new Set<string>();
  let frontier: Step[] = roots.flatMap((root) =>
    root.reference.ref.kind === 'action'
      ? [{ root, ref: root.reference.ref as RemoteRef, sha: root.sha, chain: [root.reference.site.value] }]
      : [],
  );
  const seen = new Set<string>();
  for (let level = 0; level < depth && frontier.length > 0; level += 1) {
    const questions = new Map<string, ManifestQuestion>();
    for (const step of frontier) questions.set(manifestKey(question(step)), question(step));
    const manifests = await facts.manifests([...questions.values()]);
    const nested = frontier.flatMap((step) =>
      remoteReferencesOf(manifestKey(question(step)), manifests.get(manifestKey(question(step)))).map((reference) => ({
        step,
        reference,
      })),
    );
    const tagRequests = nested.flatMap(({ reference }) => {
      const ref = reference.ref as RemoteRef;
      return ref.refKind === 'full-sha' ? [] : [{ owner: ref.owner, repo: ref.repo, ref: ref.ref }];
    });
    const resolutions: ReadonlyMap<RefKey, Resolution> =
      tagRequests.length > 0 ? await facts.resolve([...uniqueRequests(tagRequests).values()]) : new Map();
    const next: Step[] = [];
    for (const { step, reference } of nested) {
      const ref = reference.ref as RemoteRef;
      const resolution =
        ref.refKind === 'full-sha'
          ? undefined
          : resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: ref.ref }));
      const sha = ref.refKind === 'full-sha' ? ref.ref : resolution?.status === 'resolved' ? resolution.sha : undefined;
      const chain = [...step.chain, reference.site.value];
      findings.push(...nestedFindings(step, reference, chain, index, sha));
      if (!gateReference(reference).passes)
        policyBlockers.add(`${step.ref.owner}/${step.ref.repo}@${step.sha.slice(0, 12)} calls ${reference.site.value}`);
      const key = `${repositoryOf(ref)}@${sha}`.toLowerCase();
      if (sha && ref.kind === 'action' && !seen.has(key)) {
        seen.add(key);
        next.push({ root: step.root, ref, sha, chain });
      }
    }
    frontier = next;
  }
  return { findings, policyBlockers: [...policyBlockers].sort() };
}

// A manifest at a commit never changes: its parse is kept (an installation's repositories use the
// same actions, and parsing them again for every repository was most of the audit's time).
const parsedManifests = new LRUCache<string, { references: UsesReference[] }>({ max: 5_000 });

function remoteReferencesOf(key: string, text: string | undefined): UsesReference[] {
  if (text === undefined) return [];
  const cached = parsedManifests.get(key);
  if (cached) return cached.references;
  const located = locateUsesSites(text, 'action');
  const references = located.ok ? located.references.filter((reference) => isRemoteRef(reference.ref)) : [];
  parsedManifests.set(key, { references });
  return references;
}

function question(step: Step): ManifestQuestion {
  return { owner: step.ref.owner, repo: step.ref.repo, sha: step.sha, path: step.ref.path };
}

function nestedFindings(
  step: Step,
  reference: UsesReference,
  chain: readonly string[],
  index: CompromiseIndex,
  sha: string | undefined,
): Finding[] {
  const at = { path: step.root.path, line: step.root.reference.site.line, uses: step.root.reference.site.value };
  const inside = `inside ${chain.slice(0, -1).join(' → ')}'s action.yml`;
  const known = checkKnownCompromised(step.root.path, reference, index, sha).map((finding): Finding => ({
    ...finding,
    ...at,
    check: 'transitive',
    message: `${inside}: ${finding.message}`,
    evidence: { ...finding.evidence, chain },
  }));
  const gate = gateReference(reference);
  const mutable: Finding[] = gate.passes
    ? []
    : [
        {
          ...at,
          check: 'transitive',
          severity: 'medium',
          message: `${inside}: ${reference.site.value} — ${gate.reason}. Whatever that names when the workflow runs is what runs, whatever this workflow pins; GitHub's "require full-length commit SHA" policy fails such runs.`,
          evidence: { chain, nested: reference.site.value },
        },
      ];
  return [...known, ...mutable];
}
