// Actions called inside the actions and reusable workflows a workflow uses: each composite action's
// action.yml, and each called workflow's file, is read at the commit the workflow runs (cached by
// repository and commit), its own `uses:` checked, and those followed in turn, three levels deep.
// A SHA-pinned wrapper that calls `setup-trivy@v0.2.1` ran whatever that tag named; GitHub's
// "require full-length commit SHA" policy fails such runs, inside a called workflow too.
import { LRUCache } from 'lru-cache';
import { gateReference } from '../gate/gate.js';
import type { GateVerdict } from '../gate/gate.js';
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

/** An action or workflow called inside one the file uses: at the root's line, with how it is reached. */
export interface IndirectUse {
  readonly path: string;
  readonly line: number;
  readonly reference: UsesReference;
  /** The commit it runs: its pin, or what its tag names today; undefined when that is unknown. */
  readonly sha: string | undefined;
  /** `a@x → b@y`, the root first, this reference last. */
  readonly chain: readonly string[];
}

export interface TransitiveResult {
  readonly findings: Finding[];
  /** Every reference called inside, as far as the scan went. */
  readonly indirect: readonly IndirectUse[];
  /** Nested references a "require full-length commit SHA" policy would refuse. */
  readonly policyBlockers: string[];
  /** The reusable workflows' repositories holding such references: where a pinning pull request fixes them. */
  readonly blockedWorkflowRepositories: readonly { readonly owner: string; readonly repo: string }[];
}

export async function scanTransitive(
  roots: readonly TransitiveRoot[],
  facts: AuditFacts,
  index: CompromiseIndex,
  depth = TRANSITIVE_DEPTH,
): Promise<TransitiveResult> {
  const findings: Finding[] = [];
  const indirect: IndirectUse[] = [];
  const policyBlockers = new Set<string>();
  const blockedWorkflows = new Map<string, { owner: string; repo: string }>();
  let frontier: Step[] = roots.flatMap((root) =>
    isFollowed(root.reference.ref)
      ? [{ root, ref: root.reference.ref as RemoteRef, sha: root.sha, chain: [root.reference.site.value] }]
      : [],
  );
  const seen = new Set<string>();
  for (let level = 0; level < depth && frontier.length > 0; level += 1) {
    // Every workflow of an organisation calls the same few actions: each step's key is made once.
    const questions = new Map<string, ManifestQuestion>();
    const keys = frontier.map((step) => {
      const asked = question(step);
      const key = manifestKey(asked);
      if (!questions.has(key)) questions.set(key, asked);
      return key;
    });
    const manifests = await facts.manifests([...questions.values()]);
    const nested = frontier.flatMap((step, at) =>
      remoteReferencesOf(step, keys[at]!, manifests.get(keys[at]!)).map((reference) => ({
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
      indirect.push({ path: step.root.path, line: step.root.reference.site.line, reference, sha, chain });
      const gate = gateReference(reference);
      findings.push(...nestedFindings(step, reference, chain, index, sha, gate));
      if (!gate.passes) {
        policyBlockers.add(`${calledAs(step)} calls ${reference.site.value}`);
        if (step.ref.kind === 'reusable-workflow')
          blockedWorkflows.set(`${step.ref.owner}/${step.ref.repo}`.toLowerCase(), {
            owner: step.ref.owner,
            repo: step.ref.repo,
          });
      }
      const key = `${repositoryOf(ref)}/${ref.path ?? ''}@${sha}`.toLowerCase();
      if (sha && isFollowed(ref) && !seen.has(key)) {
        seen.add(key);
        next.push({ root: step.root, ref, sha, chain });
      }
    }
    frontier = next;
  }
  return {
    findings,
    indirect,
    policyBlockers: [...policyBlockers].sort(),
    blockedWorkflowRepositories: [...blockedWorkflows.values()],
  };
}

// A manifest at a commit never changes: its parse is kept (an installation's repositories use the
// same actions, and parsing them again for every repository was most of the audit's time).
const parsedManifests = new LRUCache<string, { references: UsesReference[] }>({ max: 5_000 });

/** What the policy follows: composite actions and reusable workflows (a Docker action runs no `uses:`). */
function isFollowed(ref: UsesReference['ref']): boolean {
  return ref.kind === 'action' || ref.kind === 'reusable-workflow';
}

/** `owner/repo@sha` of an action, `owner/repo/.github/workflows/x.yml@sha` of a called workflow. */
function calledAs(step: Step): string {
  const path = step.ref.kind === 'reusable-workflow' && step.ref.path ? `/${step.ref.path}` : '';
  return `${step.ref.owner}/${step.ref.repo}${path}@${step.sha.slice(0, 12)}`;
}

function remoteReferencesOf(step: Step, key: string, text: string | undefined): UsesReference[] {
  if (text === undefined) return [];
  const cached = parsedManifests.get(key);
  if (cached) return cached.references;
  const located = locateUsesSites(text, step.ref.kind === 'reusable-workflow' ? 'workflow' : 'action');
  const references = located.ok ? located.references.filter((reference) => isRemoteRef(reference.ref)) : [];
  parsedManifests.set(key, { references });
  return references;
}

function question(step: Step): ManifestQuestion {
  return {
    owner: step.ref.owner,
    repo: step.ref.repo,
    sha: step.sha,
    path: step.ref.path,
    ...(step.ref.kind === 'reusable-workflow' ? { kind: 'workflow' as const } : {}),
  };
}

function nestedFindings(
  step: Step,
  reference: UsesReference,
  chain: readonly string[],
  index: CompromiseIndex,
  sha: string | undefined,
  gate: GateVerdict,
): Finding[] {
  const compromised = checkKnownCompromised(step.root.path, reference, index, sha);
  // Most nested references are pinned and clean: the words are made only for a finding.
  if (compromised.length === 0 && gate.passes) return [];
  const at = { path: step.root.path, line: step.root.reference.site.line, uses: step.root.reference.site.value };
  const inside = `inside ${chain.slice(0, -1).join(' → ')}${step.ref.kind === 'reusable-workflow' ? ' (a called workflow)' : "'s action.yml"}`;
  const known = compromised.map((finding): Finding => ({
    ...finding,
    ...at,
    check: 'transitive',
    message: `${inside}: ${finding.message}`,
    evidence: { ...finding.evidence, chain },
  }));
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
