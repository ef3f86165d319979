// Gathers what the judge needs for a batch of pins, in as few questions as GitHub allows: one
// listing per action repository (tags, branches, releases), then `Ref.compare` in two rounds —
// the default branch and the release before each pin first; other branches and other tags only
// for a commit the default branch does not hold. Then every candidate is judged.
import { LRUCache } from 'lru-cache';
import { fullVersionsOn, freshness, judgePin, previousRelease } from './judge-pin.js';
import type { PinCandidate, TrustContext, TrustJudgement } from './judge-pin.js';
import { compareKey, repositoryKey } from './sources.js';
import type { CompareQuestion, RepositoryListing, SeenTags, TrustSource } from './sources.js';
import { ancestryKey } from './types.js';
import type { CompareStatus, Containment, RepositoryTrust, TrustPolicy } from './types.js';

const NONE: ReadonlyMap<string, never> = new Map<string, never>();

/** Refs asked about per commit in the second round, at most (a listing holds 100 of each). */
const MAX_OTHER_REFS = 200;

export interface PinTrust {
  /** A judgement per candidate, in the candidates' order (none where nothing could be read). */
  judge(candidates: readonly PinCandidate[], policy: TrustPolicy): Promise<readonly (TrustJudgement | undefined)[]>;
}

export interface PinTrustOptions {
  readonly seen?: SeenTags;
  readonly now?: () => number;
  readonly isKnownGood: TrustContext['isKnownGood'];
}

export function createPinTrust(source: TrustSource, options: PinTrustOptions): PinTrust {
  // Whether a commit is held by the repository's refs changes only when refs move; kept briefly, per commit.
  const containmentCache = new LRUCache<string, Containment>({ max: 20_000, ttl: 10 * 60_000 });
  return {
    async judge(candidates, policy) {
      const judged = candidates.filter((candidate) => candidate.refType === 'tag');
      if (judged.length === 0) return candidates.map(() => undefined);
      const repositories = [
        ...new Map(judged.map((candidate) => [candidate.repository.toLowerCase(), candidate.repository])).values(),
      ];
      const listings = await source.listings(repositories.map((repository) => splitRepository(repository)));
      const now = options.now?.() ?? Date.now();
      const context: TrustContext = { now, policy, isKnownGood: options.isKnownGood };
      const listed = judged.filter((candidate) => listings.has(candidate.repository.toLowerCase()));
      // A repository's facts before anything is asked: built once, not for each of its candidates.
      const bareFacts = new Map<string, RepositoryTrust>();
      const bare = (candidate: PinCandidate) => {
        const key = candidate.repository.toLowerCase();
        let facts = bareFacts.get(key);
        if (!facts) bareFacts.set(key, (facts = trustOf(candidate.repository, listings.get(key)!, NONE, NONE, NONE)));
        return facts;
      };
      // The commits each candidate may be pinned to: its own, and an older release when it is too fresh.
      const targets = listed.flatMap((candidate) => {
        const older = freshness(candidate, bare(candidate), context)?.pinInstead;
        return [
          { candidate, tag: candidate.label, sha: candidate.sha },
          ...(older ? [{ candidate, tag: older.tag, sha: older.sha }] : []),
        ];
      });
      // Whether each release descends from the one before it is asked with the first round of containment.
      const ancestryQuestions = targets.flatMap(({ candidate, tag, sha }) => {
        const previous = tag ? previousRelease(bare(candidate), tag) : undefined;
        return previous
          ? [
              {
                ...splitRepository(candidate.repository),
                base: `refs/tags/${previous.name}`,
                head: sha,
                previous: previous.name,
              },
            ]
          : [];
      });
      const { containment, alsoAnswered: ancestryAnswers } = await askContainment(
        source,
        targets.map(({ candidate, sha }) => ({
          candidate,
          sha,
          listing: listings.get(candidate.repository.toLowerCase())!,
        })),
        containmentCache,
        ancestryQuestions,
      );
      const firstSeen = await rememberTags(
        options.seen,
        listed.map((candidate) => ({ candidate, tags: fullVersionsOn(candidate, bare(candidate)) })),
      );
      const ancestryOf = new Map<string, Map<string, CompareStatus>>();
      for (const question of ancestryQuestions) {
        const status = ancestryAnswers.get(compareKey(question));
        if (!status) continue;
        const key = repositoryKey(question.owner, question.repo);
        if (!ancestryOf.has(key)) ancestryOf.set(key, new Map());
        ancestryOf.get(key)!.set(ancestryKey(question.previous, question.head), status);
      }
      // A repository's facts once all is asked: one per repository, shared by its candidates.
      const factsOf = new Map<string, RepositoryTrust>();
      const judgements = new Map<PinCandidate, TrustJudgement>();
      for (const candidate of listed) {
        const key = candidate.repository.toLowerCase();
        let facts = factsOf.get(key);
        if (!facts) {
          facts = trustOf(
            candidate.repository,
            listings.get(key)!,
            containment.get(key) ?? NONE,
            ancestryOf.get(key) ?? NONE,
            firstSeen.get(key) ?? NONE,
          );
          factsOf.set(key, facts);
        }
        judgements.set(candidate, judgePin(candidate, facts, context));
      }
      return candidates.map((candidate) => judgements.get(candidate));
    },
  };
}

function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

function trustOf(
  repository: string,
  listing: RepositoryListing,
  containment: ReadonlyMap<string, Containment>,
  ancestry: ReadonlyMap<string, CompareStatus>,
  firstSeen: ReadonlyMap<string, string>,
): RepositoryTrust {
  return {
    repository,
    tags: listing.tags,
    releases: listing.releases,
    commitDates: listing.commitDates,
    containment,
    ancestry,
    firstSeen,
  };
}

const holds = (status: CompareStatus | undefined) => status === 'BEHIND' || status === 'IDENTICAL';

/** Containment per repository and commit: a branch tip holds itself; else the default branch, then every other ref. */
async function askContainment(
  source: TrustSource,
  targets: readonly { candidate: PinCandidate; sha: string; listing: RepositoryListing }[],
  cache: LRUCache<string, Containment>,
  alsoAsk: readonly CompareQuestion[],
): Promise<{ containment: Map<string, Map<string, Containment>>; alsoAnswered: ReadonlyMap<string, CompareStatus> }> {
  const result = new Map<string, Map<string, Containment>>();
  const set = (repository: string, sha: string, value: Containment) => {
    const key = repository.toLowerCase();
    if (!result.has(key)) result.set(key, new Map());
    result.get(key)!.set(sha, value);
    cache.set(`${key}@${sha}`, value);
  };
  const open = new Map<string, { candidate: PinCandidate; sha: string; listing: RepositoryListing }>();
  for (const target of targets) {
    const key = `${target.candidate.repository.toLowerCase()}@${target.sha}`;
    const cached = cache.get(key);
    if (cached) set(target.candidate.repository, target.sha, cached);
    else if (target.listing.branches.some((branch) => branch.commit === target.sha))
      set(target.candidate.repository, target.sha, 'contained');
    else open.set(key, target);
  }
  const first = [...open.values()].flatMap(({ candidate, sha, listing }) =>
    listing.defaultBranch
      ? [{ ...splitRepository(candidate.repository), base: `refs/heads/${listing.defaultBranch}`, head: sha }]
      : [],
  );
  const firstAnswers =
    first.length + alsoAsk.length > 0 ? await source.compare([...first, ...alsoAsk]) : new Map<string, CompareStatus>();
  const second: { target: { candidate: PinCandidate; sha: string }; questions: CompareQuestion[] }[] = [];
  for (const target of open.values()) {
    const { candidate, sha, listing } = target;
    const base = first.find(
      (question) =>
        question.head === sha && repositoryKey(question.owner, question.repo) === candidate.repository.toLowerCase(),
    );
    if (base && holds(firstAnswers.get(compareKey(base)))) {
      set(candidate.repository, sha, 'contained');
      continue;
    }
    const others = [
      ...listing.branches
        .filter((branch) => branch.name !== listing.defaultBranch)
        .map((branch) => `refs/heads/${branch.name}`),
      ...listing.tags.filter((tag) => tag.commit !== sha).map((tag) => `refs/tags/${tag.name}`),
    ].slice(0, MAX_OTHER_REFS);
    second.push({
      target,
      questions: others.map((ref) => ({ ...splitRepository(candidate.repository), base: ref, head: sha })),
    });
    // Unanswered in the first round and nothing else to ask: not known.
    if (others.length === 0 && base && firstAnswers.has(compareKey(base)))
      set(candidate.repository, sha, 'not-contained');
  }
  const secondQuestions = second.flatMap((entry) => entry.questions);
  const secondAnswers =
    secondQuestions.length > 0 ? await source.compare(secondQuestions) : new Map<string, CompareStatus>();
  for (const { target, questions } of second) {
    if (questions.length === 0) continue;
    const answers = questions.map((question) => secondAnswers.get(compareKey(question)));
    if (answers.some(holds)) set(target.candidate.repository, target.sha, 'contained');
    // Only a full set of answers says "no ref holds it"; a gap leaves it unknown.
    else if (answers.every((answer) => answer !== undefined))
      set(target.candidate.repository, target.sha, 'not-contained');
  }
  return { containment: result, alsoAnswered: firstAnswers };
}

async function rememberTags(
  seen: SeenTags | undefined,
  entries: readonly { candidate: PinCandidate; tags: readonly string[] }[],
): Promise<Map<string, Map<string, string>>> {
  const result = new Map<string, Map<string, string>>();
  if (!seen) return result;
  const byRepository = new Map<string, { repository: string; tags: Map<string, string> }>();
  for (const { candidate, tags } of entries) {
    const key = candidate.repository.toLowerCase();
    if (!byRepository.has(key)) byRepository.set(key, { repository: candidate.repository, tags: new Map() });
    for (const tag of tags) byRepository.get(key)!.tags.set(tag, candidate.sha);
  }
  await Promise.all(
    [...byRepository].map(async ([key, { repository, tags }]) => {
      result.set(
        key,
        new Map(
          await seen.remember(
            repository,
            [...tags].map(([tag, commit]) => ({ tag, commit })),
          ),
        ),
      );
    }),
  );
  return result;
}
