// What a finished rollout must look like, checked from outside as any client would: the
// repositories a single process would open a pull request for (the oracle: the default in-memory
// app, dry run, on a fresh fake of the same seed), the pull requests each repository has, and the
// most writes any window of time saw at the fake.
import { orgRepositoryNames, synthesizeOrg } from '../fake-github/synthesize-org.js';
import { createFakeState, seedRepository } from '../fake-github/fake-state.js';
import { startFakeGitHub } from '../fake-github/fake-github-server.js';
import { loadRefsDir } from '../../cli/load-refs.js';
import { GITHUB_CONTENT_LIMITS } from '../../github/content-budget.js';
import { PIN_BRANCH } from '../../pull-request/render-pull-request.js';
import { pullRequestsOf, registryMirror } from './cluster.js';
import { installationCreated } from './webhook-payloads.js';
import { startLocalApp } from './start-local-app.js';

/** `registryUrl`: the registry the fleet asks for images, which the oracle asks too. */
export async function repositoriesToPin(options: {
  refs: string;
  corpus: string;
  orgSize: number;
  seed?: number;
  registryUrl: string;
}): Promise<Set<string>> {
  const refs = loadRefsDir(options.refs);
  const state = createFakeState(refs);
  for (const repository of await synthesizeOrg({
    repos: options.orgSize,
    seed: options.seed ?? 1,
    corpusDir: options.corpus,
    refs,
  })) {
    seedRepository(state, {
      fullName: `${repository.owner}/${repository.name}`,
      files: repository.files,
      archived: repository.archived,
    });
  }
  const fake = await startFakeGitHub({ state });
  const writes = new Set<string>();
  const app = await startLocalApp(fake, {
    dryRun: true,
    images: { mirrors: [registryMirror(options.registryUrl)] },
    onOutcome: (repository, outcome) =>
      outcome.status === 'dry-run' && outcome.decision === 'write' && writes.add(repository),
  });
  await app.deliver('installation', installationCreated(orgRepositoryNames(options.orgSize)));
  await app.pinwarden.idle();
  await app.stop();
  await fake.close();
  return writes;
}

/** The most entries any window of `windowMs` held, over ascending times. */
export function mostIn(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let end = 0, start = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

export interface RolloutCheck {
  readonly expected: number;
  /** Repositories with something to pin and no pinwarden pull request. */
  readonly forgotten: readonly string[];
  /** Repositories with a pull request but nothing to pin. */
  readonly unexpected: readonly string[];
  /** Repositories with more than one pull request. */
  readonly duplicated: readonly string[];
  /** Pull requests that are not open, or not from pinwarden's branch. */
  readonly stray: readonly string[];
  readonly writes: number;
  readonly mostInMinute: number;
  readonly mostInHour: number;
  readonly ok: boolean;
}

/** Reads the outcome through the fake's REST API and its request log, with `msPerSecond` the time scale's second. */
export async function checkRollout(
  fakeUrl: string,
  owner: string,
  expected: ReadonlySet<string>,
  msPerSecond: number,
): Promise<RolloutCheck> {
  const pulls = await pullRequestsOf(fakeUrl, owner);
  const withPull = new Set([...pulls].filter(([, list]) => list.length > 0).map(([repository]) => repository));
  const { requests } = (await (await fetch(`${fakeUrl}/_fake/counts`)).json()) as {
    requests: { at: number; kind: string; path: string }[];
  };
  const writes = requests
    .filter(
      (entry) => (entry.kind === 'rest-write' || entry.kind === 'graphql-write') && !entry.path.startsWith('/app/'),
    )
    .map((entry) => entry.at)
    .sort((a, b) => a - b);
  const check = {
    expected: expected.size,
    forgotten: [...expected].filter((repository) => !withPull.has(repository)),
    unexpected: [...withPull].filter((repository) => !expected.has(repository)),
    duplicated: [...pulls].filter(([, list]) => list.length > 1).map(([repository]) => repository),
    stray: [...pulls].flatMap(([repository, list]) =>
      list
        .filter((pull) => pull.state !== 'open' || pull.head !== PIN_BRANCH)
        .map((pull) => `${repository}#${pull.number}`),
    ),
    writes: writes.length,
    mostInMinute: mostIn(writes, 60 * msPerSecond),
    mostInHour: mostIn(writes, 3600 * msPerSecond),
  };
  const ok =
    check.forgotten.length + check.unexpected.length + check.duplicated.length + check.stray.length === 0 &&
    check.mostInMinute <= GITHUB_CONTENT_LIMITS.perMinute &&
    check.mostInHour <= GITHUB_CONTENT_LIMITS.perHour;
  return { ...check, ok };
}
