// The audit over a set of files already read: one resolver batch for every ref it needs (the
// refs in use, the versions the comments name and their `v` twins), then each check, a plain
// function, per reference and per file. Shared by `pinwarden audit` and, next, the App.
import { gateReference } from '../gate/gate.js';
import type { GateVerdict } from '../gate/gate.js';
import type { RefKey, RefRequest, RefResolver, Resolution } from '../resolve/types.js';
import type { RemoteRef } from '../workflow/types.js';
import { checkAdvisories } from './advisories.js';
import type { AuditFacts, Reachability } from './audit-facts.js';
import { manifestKey, reachabilityKey } from './audit-facts.js';
import { checkDownloadsLatest, stepVersionInput, versionInputDefault } from './downloads-latest.js';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { checkImpostor, reachabilityQuestion } from './impostor.js';
import { scanTransitive } from './transitive.js';
import type { IndirectUse } from './transitive.js';
import { refKey, uniqueRequests } from '../resolve/types.js';
import { ACTIONS_LOCK_PATH, lockedReferences, parseActionsLock } from '../workflow/actions-lock.js';
import { checkActionsLock } from './actions-lock-findings.js';
import { isRemoteRef, repositoryOf } from '../workflow/parse-action-ref.js';
import type { LocateResult, UsesReference } from '../workflow/types.js';
import { BUILT_IN_COMPROMISES } from './built-in.js';
import { checkIndicators, indicatorsOf } from './iocs.js';
import { checkKnownCompromised } from './known-compromised.js';
import type { CompromiseIndex } from './known-compromised.js';
import type { Finding } from './types.js';
import { bySeverityThenPlace } from './types.js';
import { twinOf } from '../resolve/version-tags.js';
import { checkVersionComment, commentVersion } from './version-comment.js';
import type { PinCandidate } from '../trust/judge-pin.js';
import type { PinTrust } from '../trust/pin-trust.js';
import type { TrustPolicy } from '../trust/types.js';
import type { TrustSource } from '../trust/sources.js';

export interface AuditedFile {
  readonly path: string;
  readonly text: string;
  readonly located: LocateResult;
  /** Onboarded to actions.lock: its `uses:` are not what runs, so the gate does not judge them. */
  readonly locked?: boolean;
}

const BUILT_IN = BUILT_IN_COMPROMISES;

/** GitHub's lockfile as the audit reads it: each locked commit a pinned reference at its key's line. */
export function auditedLockfile(file: { path: string; text: string }): AuditedFile {
  const lock = parseActionsLock(file.text);
  return {
    path: file.path,
    text: file.text,
    located: lock.ok ? { ok: true, references: lockedReferences(file.text, lock) } : { ok: false, error: lock.error },
  };
}

export interface AuditReport {
  readonly findings: Finding[];
  /** What could not be checked, and why. */
  readonly notes: string[];
  /** Whether GitHub's "require full-length commit SHA" policy would let these workflows run. */
  readonly requireFullShaPolicy: { readonly ready: boolean; readonly blockers: readonly string[] };
  /** The repositories of called workflows that hold blockers: a pinning pull request there fixes them. */
  readonly calledWorkflowRepositories: readonly { readonly owner: string; readonly repo: string }[];
  /** What the actions and called workflows in use call inside them (the inventory's indirect uses). */
  readonly indirect: readonly IndirectUse[];
  /** The commit each tag or branch in use names today, by `path\0line` (what runs until it moves). */
  readonly commitsToday: ReadonlyMap<string, string>;
}

/** A plain resolver as audit facts: nothing known beyond what refs name (said in the notes). */
export function factsFrom(resolver: RefResolver): AuditFacts {
  if ('reachability' in resolver) return resolver as AuditFacts;
  return {
    resolve: (requests) => resolver.resolve(requests),
    reachability: async () => new Map(),
    advisories: async () => undefined,
    manifests: async () => new Map(),
  };
}

/**
 * The stealer's fallback: with a victim's token it created a repository named `tpcp-docs` (or
 * `docs-tpcp`) in the victim's organisation. Such a repository means secrets were stolen.
 */
export async function checkExfiltrationRepositories(
  owner: string,
  facts: AuditFacts,
  index: CompromiseIndex = BUILT_IN,
): Promise<Finding[]> {
  const names = [...new Set(index.data.incidents.flatMap((incident) => incident.iocs.repositoryNames))];
  const found = (await facts.repositoriesNamed?.(owner, names)) ?? [];
  return found.map((name) => ({
    path: `${owner}/${name}`,
    line: 0,
    uses: `${owner}/${name}`,
    check: 'ioc' as const,
    severity: 'critical' as const,
    message: `the organisation has a repository named ${name}: the TeamPCP stealer creates it with a stolen token to upload what it took when its own server cannot be reached. Secrets of this organisation's workflows were stolen: rotate them, and look at that repository's contents and who created it.`,
    evidence: { repository: `${owner}/${name}`, incident: 'trivy-action-2026-03' },
  }));
}

/**
 * Everything the checks need to know from GitHub about these files, asked in batches: the refs
 * (and the versions comments name), reachability of SHA pins no tag names, the advisory database,
 * and the actions called inside, manifest by manifest. An install wave asks this for all of its
 * repositories at once, so each run finds the answers in the installation's caches; the checks
 * themselves, plain functions, are left to the runs.
 */
export async function askAuditQuestions(
  files: readonly AuditedFile[],
  source: RefResolver | AuditFacts,
  index: CompromiseIndex = BUILT_IN,
) {
  const facts = factsFrom(source);
  const located = files.flatMap((file) =>
    file.located.ok
      ? file.located.references.map((reference) => ({ path: file.path, reference, locked: file.locked === true }))
      : [],
  );
  const resolutions = await facts.resolve([
    ...uniqueRequests(requestsOf(located.map(({ reference }) => reference))).values(),
  ]);
  // Each check asks it of each reference: the key is built once a reference.
  const resolutionByReference = new Map<UsesReference, Resolution | undefined>();
  const resolutionOf = (reference: UsesReference) => {
    if (resolutionByReference.has(reference)) return resolutionByReference.get(reference);
    const ref = reference.ref as RemoteRef;
    const resolution = resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: ref.ref }));
    resolutionByReference.set(reference, resolution);
    return resolution;
  };
  const remote = located.filter(({ reference }) => isRemoteRef(reference.ref));
  // Pin-time trust's listings of the actions named by tag, all at once (an install wave asks this
  // for all of its repositories: its runs then find them in the installation's cache).
  const tagged = remote.flatMap(({ reference }) => {
    const ref = reference.ref as RemoteRef;
    const resolution = resolutionOf(reference);
    // Tags in use, and pins whose commit a tag names (judged too: the tag does not vouch for it).
    return resolution?.status === 'resolved' && (ref.refKind !== 'full-sha' || resolution.tagsOnCommit.length > 0)
      ? [{ owner: ref.owner, repo: ref.repo }]
      : [];
  });
  if (facts.trust && tagged.length > 0) await facts.trust.listings(tagged);
  const questions = remote.flatMap(({ reference }) => reachabilityQuestion(reference, resolutionOf(reference)) ?? []);
  const reachable: ReadonlyMap<string, Reachability> =
    questions.length > 0 ? await facts.reachability(questions) : new Map();
  const advisories = await facts.advisories();
  const roots = remote.flatMap(({ path, reference }) => {
    const resolution = resolutionOf(reference);
    const ref = reference.ref as RemoteRef;
    const sha = ref.refKind === 'full-sha' ? ref.ref : resolution?.status === 'resolved' ? resolution.sha : undefined;
    return sha ? [{ path, reference, sha }] : [];
  });
  const transitive = await scanTransitive(roots, facts, index);
  return { located, remote, resolutions, resolutionOf, reachable, advisories, transitive, roots };
}

export async function auditFiles(
  files: readonly AuditedFile[],
  source: RefResolver | AuditFacts,
  index: CompromiseIndex = BUILT_IN,
  options: {
    readonly staysOnTag?: readonly string[];
    readonly trust?: { readonly trust: PinTrust; readonly policy: TrustPolicy };
  } = {},
): Promise<AuditReport> {
  const facts = factsFrom(source);
  const { located, remote, resolutions, resolutionOf, reachable, advisories, transitive, roots } =
    await askAuditQuestions(files, facts, index);
  const trusted = options.trust
    ? await judgeTagsInUse(
        remote.filter(({ locked }) => !locked),
        resolutionOf,
        options.trust,
      )
    : [];
  const notes: string[] = [];
  if (advisories === undefined)
    notes.push(
      'GitHub advisories were not read (no API, or no --advisories file): known-vulnerable versions were not checked',
    );
  const indicators = indicatorsOf(index.data);
  const findings = [
    ...files.flatMap((file) => [
      ...checkIndicators(file.path, file.text, indicators),
      ...(isActionsLock(file.path)
        ? checkActionsLock(file, files)
        : file.located.ok
          ? []
          : [unreadable(file.path, file.located.error)]),
    ]),
    ...located.flatMap(({ path, reference, locked }) =>
      referenceFindings(path, reference, resolutions, resolutionOf, index, locked, options.staysOnTag ?? []),
    ),
    ...remote.flatMap(({ path, reference }) => {
      const ref = reference.ref as RemoteRef;
      return [
        ...checkImpostor(
          path,
          reference,
          reachable.get(reachabilityKey({ owner: ref.owner, repo: ref.repo, sha: ref.ref })),
        ),
        ...checkAdvisories(path, reference, resolutionOf(reference), advisories ?? []),
      ];
    }),
    ...transitive.findings,
    ...trusted,
    ...(await latestDownloads(files, roots, facts)),
  ];
  if (facts.trust) await reclassifyImmutable(findings, facts.trust);
  const workflowBlockers = located
    .filter(({ reference, locked }) => !locked && isRemoteRef(reference.ref) && !gateReference(reference).passes)
    .map(({ path, reference }) => `${path}:${reference.site.line} ${reference.site.value}`);
  const blockers = [...workflowBlockers, ...transitive.policyBlockers];
  return {
    findings: findings.sort(bySeverityThenPlace),
    notes,
    requireFullShaPolicy: { ready: blockers.length === 0, blockers },
    calledWorkflowRepositories: transitive.blockedWorkflowRepositories,
    indirect: transitive.indirect,
    commitsToday: new Map(
      roots
        .filter(({ reference }) => (reference.ref as RemoteRef).refKind !== 'full-sha')
        .map(({ path, reference, sha }) => [`${path}\0${reference.site.line}`, sha]),
    ),
  };
}

/** Every ref the checks of these references need resolved; a `uses:` written alike many times is asked once. */
function requestsOf(references: readonly UsesReference[]): RefRequest[] {
  const seen = new Set<string>();
  return references.flatMap((reference) => {
    const { ref, site } = reference;
    if (!isRemoteRef(ref)) return [];
    // What requestsFor reads: the ref and the comment's version.
    const written = `${ref.owner}/${ref.repo}@${ref.ref}\n${site.comment?.text ?? ''}`;
    if (seen.has(written)) return [];
    seen.add(written);
    return requestsFor(reference);
  });
}

/** Every ref the checks of one reference need resolved. */
function requestsFor({ site, ref }: UsesReference): RefRequest[] {
  if (!isRemoteRef(ref)) return [];
  const named = commentVersion({ site, ref });
  const more = ref.refKind === 'full-sha' && named ? [named, twinOf(named)] : [];
  return [ref.ref, ...more].map((name) => ({ owner: ref.owner, repo: ref.repo, ref: name }));
}

function referenceFindings(
  path: string,
  reference: UsesReference,
  resolutions: ReadonlyMap<RefKey, Resolution>,
  resolutionOf: (reference: UsesReference) => Resolution | undefined,
  index: CompromiseIndex,
  locked: boolean,
  staysOnTag: readonly string[],
): Finding[] {
  const { ref, site } = reference;
  const at = { path, line: site.line, uses: site.value };
  const gate: GateVerdict = locked ? { passes: true, why: 'locked' } : gateReference(reference, undefined, staysOnTag);
  const gateFindings: Finding[] = gate.passes
    ? []
    : [
        isRemoteRef(ref) && gate.rule === 'must-stay-on-tag'
          ? {
              ...at,
              check: 'must-stay-on-tag',
              severity: ref.refKind === 'full-sha' ? 'high' : 'medium',
              message: gate.reason,
              evidence: { repository: repositoryOf(ref), ref: ref.ref },
            }
          : { ...at, check: 'unpinned', severity: 'medium', message: gate.reason, evidence: {} },
      ];
  if (!isRemoteRef(ref)) return gateFindings;
  const lookup = (name: string) => resolutions.get(refKey({ owner: ref.owner, repo: ref.repo, ref: name }));
  const own = resolutionOf(reference);
  const named = commentVersion(reference);
  return [
    ...checkKnownCompromised(path, reference, index, own?.status === 'resolved' ? own.sha : undefined),
    ...(named
      ? checkVersionComment(path, reference, { pinned: own, named: lookup(named), twin: lookup(twinOf(named)) })
      : []),
    ...gateFindings,
  ];
}

/** GitHub's lockfile, at a repository's root or below a folder the CLI was given. */
function isActionsLock(path: string): boolean {
  return path === ACTIONS_LOCK_PATH || path.endsWith(`/${ACTIONS_LOCK_PATH}`);
}

function unreadable(path: string, error: string): Finding {
  return {
    path,
    line: 0,
    uses: '',
    check: 'unreadable',
    severity: 'medium',
    message: `the file cannot be read, so nothing in it was audited: ${error}`,
    evidence: {},
  };
}

/**
 * What pin-time trust would say of the tags and branches in use today, were they pinned now
 * ("pinning @v1 now would write …"), and of the commits pinned by SHA that release tags name: a
 * pin written while a tag was hijacked names a commit no branch holds, or one many releases were
 * moved onto, and a tag naming it does not make it trusted (the impostor check asks only of
 * commits no tag names). For existing pins only the checks that would have held the pin are said.
 */
const PIN_CHECKS: ReadonlySet<string> = new Set(['impostor-tag', 'mass-retag', 'tag-moved-since-seen']);

async function judgeTagsInUse(
  remote: readonly { path: string; reference: UsesReference }[],
  resolutionOf: (reference: UsesReference) => Resolution | undefined,
  option: { readonly trust: PinTrust; readonly policy: TrustPolicy },
): Promise<Finding[]> {
  const entries = remote.flatMap(({ path, reference }) => {
    const ref = reference.ref as RemoteRef;
    const resolution = resolutionOf(reference);
    if (resolution?.status !== 'resolved') return [];
    const pinned = ref.refKind === 'full-sha';
    const tag = pinned ? (resolution.tag ?? resolution.tagsOnCommit[0]) : ref.ref;
    if (tag === undefined || (!pinned && resolution.refType === 'commit')) return [];
    const candidate: PinCandidate = {
      repository: repositoryOf(ref),
      path: ref.path,
      requested: tag,
      refType: pinned ? 'tag' : resolution.refType,
      sha: resolution.sha,
      label: resolution.tag,
      tagsOnCommit: resolution.tagsOnCommit,
    };
    return [{ path, reference, candidate, pinned }];
  });
  if (entries.length === 0) return [];
  const judged = await option.trust.judge(
    entries.map(({ candidate }) => candidate),
    option.policy,
  );
  return entries.flatMap(({ path, reference, candidate, pinned }, index) =>
    (judged[index]?.verdicts ?? [])
      .filter((verdict) => !pinned || PIN_CHECKS.has(verdict.check))
      .map((verdict): Finding => ({
        path,
        line: reference.site.line,
        uses: reference.site.value,
        check: verdict.check,
        severity: verdict.severity,
        message: pinned
          ? `the pinned commit is what @${candidate.requested} names, and that does not make it trusted: ${verdict.message.replace(/ Not pinned\.$/, '')} Find out which commit the maintainers released before trusting this pin.`
          : verdict.held
            ? `pinning @${(reference.ref as RemoteRef).ref} now would write a commit that must not run: ${verdict.message}`
            : verdict.message,
        evidence: { ...verdict.evidence, held: verdict.held },
      })),
  );
}

/**
 * A "moved" release tag whose release is immutable cannot have moved: GitHub forbids it, so the
 * pin or its comment was wrong from the start. Said as a mismatch, not as a rewritten release.
 * Asked only when some tag looks moved (one listing per such repository).
 */
async function reclassifyImmutable(findings: Finding[], trust: TrustSource): Promise<void> {
  const moved = findings.flatMap((finding, index) =>
    finding.check === 'tag-moved' &&
    typeof finding.evidence.repository === 'string' &&
    typeof finding.evidence.tag === 'string'
      ? [{ index, repository: finding.evidence.repository, tag: finding.evidence.tag }]
      : [],
  );
  if (moved.length === 0) return;
  const listings = await trust.listings(
    moved.map(({ repository }) => ({ owner: repository.split('/')[0] ?? '', repo: repository.split('/')[1] ?? '' })),
  );
  for (const { index, repository, tag } of moved) {
    const release = listings.get(repository.toLowerCase())?.releases?.find((candidate) => candidate.tag === tag);
    if (!release?.immutable) continue;
    const finding = findings[index]!;
    findings[index] = {
      ...finding,
      check: 'comment-mismatch',
      severity: 'medium',
      message: `the comment names ${tag}, an immutable release of ${repository} whose tag cannot move, and it names ${String(finding.evidence.tagNow)}, not the pinned ${String(finding.evidence.pinned)}: the pin or its comment was wrong from the start. Find out which commit you meant to run.`,
      evidence: { ...finding.evidence, immutable: true },
    };
  }
}

/** Steps that ask an action with a `version` input for its latest release (the manifests are the transitive scan's, cached). */
async function latestDownloads(
  files: readonly AuditedFile[],
  roots: readonly { path: string; reference: UsesReference; sha: string }[],
  facts: AuditFacts,
): Promise<Finding[]> {
  const actions = roots.filter(({ reference }) => reference.ref.kind === 'action');
  if (actions.length === 0) return [];
  const question = ({ reference, sha }: { reference: UsesReference; sha: string }) => {
    const ref = reference.ref as RemoteRef;
    return { owner: ref.owner, repo: ref.repo, sha, path: ref.path };
  };
  const manifests = await facts.manifests(actions.map(question));
  const texts = new Map(files.map((file) => [file.path, file.text]));
  // Parsed only when an action called there has a version input, once per file.
  const parsed = new Map<string, { document: Document; lines: LineCounter }>();
  const parse = (path: string, text: string) => {
    if (!parsed.has(path)) {
      const lines = new LineCounter();
      parsed.set(path, { document: parseDocument(text, { lineCounter: lines }), lines });
    }
    return parsed.get(path)!;
  };
  return actions.flatMap((root) => {
    const manifest = manifests.get(manifestKey(question(root)));
    const input = manifest === undefined ? undefined : versionInputDefault(manifest);
    const text = texts.get(root.path);
    if (!input || text === undefined) return [];
    const { document, lines } = parse(root.path, text);
    return checkDownloadsLatest(
      root.path,
      root.reference,
      stepVersionInput(document, lines, root.reference.site.valueStart),
      input.default,
    );
  });
}
