// The one decision every writer of a pin asks before it writes (the CLI's `pin`, the App's pull
// request, "Pin them", the check's suggested lines, comment repair): may the commit this tag
// names now be written, and what must the reader be told? Pure: facts in, verdicts out.
import { matchesActionGlobs } from '../config/action-globs.js';
import type { RefKey } from '../resolve/types.js';
import { fullReleases, publishedRelease, tagsNaming } from './listing-index.js';
import { ancestryKey } from './types.js';
import type { ReleaseFacts, RepositoryTrust, TrustPolicy, TrustVerdict } from './types.js';
import { compareFull, floatingParts, fullVersion, inLine, isFullVersion, releaseKey } from './versions.js';
import type { FullVersion } from './versions.js';

const DAY_MS = 86_400_000;

/** A tag or branch about to be written as the commit it names. */
export interface PinCandidate {
  /** `owner/repo`. */
  readonly repository: string;
  /** The folder of the action in its repository, for `trust.allow` globs. */
  readonly path?: string | undefined;
  /** The ref as written (`v3`, `v3.1.0`, `main`). */
  readonly requested: string;
  readonly refType: 'tag' | 'branch' | 'commit';
  readonly sha: string;
  /** The most specific version tag on the commit, which the comment will name. */
  readonly label: string | undefined;
  /** Tags the resolution saw on the commit. */
  readonly tagsOnCommit: readonly string[];
}

export interface TrustContext {
  /** Milliseconds since the epoch: the moment the pin would be written. */
  readonly now: number;
  readonly policy: TrustPolicy;
  /** A commit the known-compromised data lists as good (a maintainers' cleanup), never held for its tags. */
  readonly isKnownGood: (repository: string, sha: string) => boolean;
}

export interface TrustJudgement {
  readonly verdicts: readonly TrustVerdict[];
  /** Some verdict holds the reference: it is not written. */
  readonly held: boolean;
  /** A floating ref whose newest release is younger than the policy allows: the release to pin instead. */
  readonly pinInstead?: { readonly tag: string; readonly sha: string };
  /** Whether the release the comment names is immutable; undefined when not known. */
  readonly immutable?: boolean | undefined;
}

/** Pin-time trust's judgements, by the refKey of the reference (a tag's, or a SHA pin's for its comment repair). */
export type Judgements = ReadonlyMap<RefKey, TrustJudgement>;

export function judgePin(
  candidate: PinCandidate,
  facts: RepositoryTrust | undefined,
  context: TrustContext,
): TrustJudgement {
  if (!facts || candidate.refType === 'commit') return { verdicts: [], held: false };
  const fresh = freshness(candidate, facts, context);
  const versions = fullVersionsOn(candidate, facts);
  const verdicts = [
    ...impostorTag(candidate, facts),
    ...massRetag(candidate, versions, context),
    ...movedSinceSeen(candidate, versions, facts),
    ...notDescendant(candidate, facts, context.policy),
    ...(fresh?.verdict ? [fresh.verdict] : []),
  ];
  const held = verdicts.some((verdict) => verdict.held);
  const release = candidate.label ? releaseOf(facts, candidate.label) : undefined;
  if (held || !fresh?.pinInstead) return { verdicts, held, immutable: release?.immutable };
  // The older release is judged as well (its age aside): a line whose older release is held is held.
  const { tag, sha } = fresh.pinInstead;
  const older = judgePin({ ...candidate, requested: tag, sha, label: tag, tagsOnCommit: [] }, facts, {
    ...context,
    policy: { ...context.policy, minReleaseAgeDays: 0 },
  });
  if (older.held) return { verdicts: [...verdicts, ...older.verdicts], held: true, immutable: release?.immutable };
  return {
    verdicts: [...verdicts, ...older.verdicts],
    held: false,
    pinInstead: fresh.pinInstead,
    immutable: older.immutable,
  };
}

/** Every full-version tag that names the candidate's commit (the listing's, the resolution's and the ref itself). */
export function fullVersionsOn(candidate: PinCandidate, facts: RepositoryTrust): string[] {
  const names = new Set([...tagsNaming(facts.tags, candidate.sha), ...candidate.tagsOnCommit]);
  if (candidate.refType === 'tag') names.add(candidate.requested);
  return [...names].filter(isFullVersion).sort();
}

function link(repository: string, sha: string): string {
  return `https://github.com/${repository}/commit/${sha}`;
}

function impostorTag(candidate: PinCandidate, facts: RepositoryTrust): TrustVerdict[] {
  if (candidate.refType !== 'tag' || facts.containment.get(candidate.sha) !== 'not-contained') return [];
  return [
    {
      check: 'impostor-tag',
      severity: 'critical',
      held: true,
      message: `${candidate.repository}@${candidate.requested} names ${candidate.sha}, a commit that no branch of ${candidate.repository} holds and no other tag's history contains: it may exist only in a fork, which GitHub serves under the same name (tj-actions/changed-files 2025, KICS 2026). Not pinned.`,
      evidence: {
        repository: candidate.repository,
        tag: candidate.requested,
        commit: candidate.sha,
        link: link(candidate.repository, candidate.sha),
      },
    },
  ];
}

function massRetag(candidate: PinCandidate, versions: readonly string[], context: TrustContext): TrustVerdict[] {
  const releases = new Set(versions.flatMap((tag) => releaseKey(tag) ?? []));
  if (releases.size < 3 || context.isKnownGood(candidate.repository, candidate.sha)) return [];
  return [
    {
      check: 'mass-retag',
      severity: 'critical',
      held: true,
      message: `${releases.size} releases of ${candidate.repository} (${versions.join(', ')}) name one commit, ${candidate.sha}: releases are made one commit at a time, and many moved onto one is how tj-actions/changed-files and trivy-action were hijacked. Not pinned.`,
      evidence: {
        repository: candidate.repository,
        commit: candidate.sha,
        tags: versions,
        link: link(candidate.repository, candidate.sha),
      },
    },
  ];
}

function movedSinceSeen(candidate: PinCandidate, versions: readonly string[], facts: RepositoryTrust): TrustVerdict[] {
  const moved = versions.flatMap((tag) => {
    const first = facts.firstSeen.get(tag);
    return first !== undefined && first !== candidate.sha ? [{ tag, first }] : [];
  });
  if (moved.length === 0) return [];
  return [
    {
      check: 'tag-moved-since-seen',
      severity: 'critical',
      held: true,
      message: `${moved.map(({ tag, first }) => `${tag} named ${first} when pinwarden first saw it`).join('; ')}, and now names ${candidate.sha}: a release tag moved. Not pinned; treat it as an incident until the maintainers say otherwise.`,
      evidence: {
        repository: candidate.repository,
        commit: candidate.sha,
        moved: moved.map(({ tag, first }) => ({ tag, before: first, now: candidate.sha })),
        link: link(candidate.repository, candidate.sha),
      },
    },
  ];
}

/**
 * The newest full release (no pre-release) older than `label` that `keep` accepts; between `v`
 * twins, the one spelled like the label.
 */
function newestReleaseBefore(
  facts: RepositoryTrust,
  label: string,
  keep: (version: FullVersion, tag: { name: string; commit: string }) => boolean,
): { name: string; commit: string } | undefined {
  const labelVersion = fullVersion(label);
  if (!labelVersion) return undefined;
  const spelledLike = (name: string) => Number(name.startsWith('v') === label.startsWith('v'));
  const earlier = fullReleases(facts.tags).filter(
    ({ tag, version }) => compareFull(version, labelVersion) < 0 && keep(version, tag),
  );
  earlier.sort((a, b) => compareFull(b.version, a.version) || spelledLike(b.tag.name) - spelledLike(a.tag.name));
  return earlier[0]?.tag;
}

/** The full version released before `label` in the same major, by version order. */
export function previousRelease(facts: RepositoryTrust, label: string): { name: string; commit: string } | undefined {
  const version = fullVersion(label);
  if (!version || version.prerelease) return undefined;
  return newestReleaseBefore(facts, label, (other) => other.parts[0] === version.parts[0]);
}

function notDescendant(candidate: PinCandidate, facts: RepositoryTrust, policy: TrustPolicy): TrustVerdict[] {
  if (!candidate.label) return [];
  const previous = previousRelease(facts, candidate.label);
  if (!previous) return [];
  const status = facts.ancestry.get(ancestryKey(previous.name, candidate.sha));
  if (status !== 'BEHIND' && status !== 'DIVERGED') return [];
  const [owner = '', repo = ''] = candidate.repository.split('/');
  if (matchesActionGlobs(policy.allow, { owner, repo, path: candidate.path })) return [];
  return [
    {
      check: 'release-not-descendant',
      severity: 'high',
      held: false,
      message: `${candidate.label} (${candidate.sha}) does not descend from the release before it, ${previous.name} (${previous.commit}): GitHub compares it as ${status.toLowerCase()}. A release cut from another history is what a moved tag looks like; review it before merging, or add ${candidate.repository} to \`trust.allow\` if its releases are made that way.`,
      evidence: {
        repository: candidate.repository,
        release: candidate.label,
        commit: candidate.sha,
        previous: previous.name,
        previousCommit: previous.commit,
        compare: status,
        link: `https://github.com/${candidate.repository}/compare/${previous.name}...${candidate.sha}`,
      },
    },
  ];
}

function releaseOf(facts: RepositoryTrust, tag: string): ReleaseFacts | undefined {
  return facts.releases ? publishedRelease(facts.releases, tag) : undefined;
}

interface Age {
  readonly days: number;
  /** From the release's `published_at` (set by GitHub), or from the commit date (written by the pusher). */
  readonly source: 'release' | 'commit-date';
}

/** How old the release a tag names is; undefined when nothing says. */
export function ageOf(facts: RepositoryTrust, tag: string, sha: string, now: number): Age | undefined {
  const release = releaseOf(facts, tag);
  if (release?.publishedAt) return { days: (now - Date.parse(release.publishedAt)) / DAY_MS, source: 'release' };
  if (release) return undefined;
  const date = facts.commitDates.get(sha);
  return date ? { days: (now - Date.parse(date)) / DAY_MS, source: 'commit-date' } : undefined;
}

function describeAge(tag: string, age: Age): string {
  const days = Math.max(0, Math.floor(age.days));
  const words = days === 0 ? 'less than a day old' : `${days} day${days === 1 ? '' : 's'} old`;
  return age.source === 'release'
    ? `${tag} is ${words}`
    : `${tag} is ${words} by its commit date (unverified: it has no release, and commit dates are written by whoever pushes)`;
}

/**
 * A release younger than `pin.min_release_age_days`: a floating ref is pinned to the newest
 * release of its line that is old enough (the release the candidate would replace stays
 * Dependabot's to propose after its cooldown); a version asked for by name is pinned as asked.
 */
export function freshness(
  candidate: PinCandidate,
  facts: RepositoryTrust,
  context: TrustContext,
): { verdict?: TrustVerdict; pinInstead?: { tag: string; sha: string } } | undefined {
  const minDays = context.policy.minReleaseAgeDays;
  if (minDays <= 0 || !candidate.label || candidate.refType !== 'tag') return undefined;
  const age = ageOf(facts, candidate.label, candidate.sha, context.now);
  if (!age || age.days >= minDays) return undefined;
  const evidence = {
    repository: candidate.repository,
    release: candidate.label,
    commit: candidate.sha,
    ageDays: Math.floor(age.days),
    ageFrom: age.source,
    minReleaseAgeDays: minDays,
  };
  const line = floatingParts(candidate.requested);
  const older = line ? olderRelease(facts, line, candidate.label, context.now, minDays) : undefined;
  if (older) {
    return {
      pinInstead: older,
      verdict: {
        check: 'fresh-release',
        severity: 'low',
        held: false,
        message: `${describeAge(candidate.label, age)}; pinned ${older.tag}, the newest release of @${candidate.requested} at least ${minDays} days old. Dependabot proposes ${candidate.label} after its cooldown.`,
        evidence: { ...evidence, pinned: older.tag, pinnedCommit: older.sha },
      },
    };
  }
  const why = line
    ? `no release of @${candidate.requested} is ${minDays} days old, so it is pinned as it is`
    : 'it was asked for by name, so it is pinned as asked';
  return {
    verdict: {
      check: 'fresh-release',
      severity: 'low',
      held: false,
      message: `${describeAge(candidate.label, age)} (younger than the ${minDays} days of \`pin.min_release_age_days\`); ${why}. A hijacked release is usually found within days: review it.`,
      evidence,
    },
  };
}

/** The newest full release of `line`, older than `label`, at least `minDays` old. */
function olderRelease(
  facts: RepositoryTrust,
  line: readonly number[],
  label: string,
  now: number,
  minDays: number,
): { tag: string; sha: string } | undefined {
  const best = newestReleaseBefore(facts, label, (version, tag) => {
    if (!inLine(version, line)) return false;
    const age = ageOf(facts, tag.name, tag.commit, now);
    return age !== undefined && age.days >= minDays;
  });
  return best ? { tag: best.name, sha: best.commit } : undefined;
}
