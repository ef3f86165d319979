// An install's scan: the installation's repositories listed, then read in waves (several per
// GraphQL query; in Redis each wave is a job of its own, so replicas share the reading), their
// files located once, the installation's caches warmed for the whole wave, each repository ranked
// by exposure (rollout/rollout-order.ts) and the wave's runs queued by priority, riskiest first.
// What was read is kept, within a byte budget, for the runs, so they do not read again: with
// images on, that includes each repository's image files (its tree listed, their texts read), so
// an install's runs make no read of their own and the reading is done where the waves are.
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { AuditFacts } from '../audit/audit-facts.js';
import { askAuditQuestions } from '../audit/audit-files.js';
import { BUILT_IN_COMPROMISES } from '../audit/built-in.js';
import type { RefResolver } from '../resolve/types.js';
import { collectRefRequests } from '../plan/plan-pins.js';
import { queuePriority, rolloutRank } from '../rollout/rollout-order.js';
import type { RolloutRank } from '../rollout/rollout-order.js';
import type { RunRequest } from '../queue/pending-run.js';
import type { WaveReads } from '../queue/run-queue.js';
import type { GitHubClient } from '../github/github-client.js';
import { installationRepositories } from '../github/installation-repositories.js';
import type { LoadConfig } from '../github/load-config.js';
import { auditedWaveFiles, withLocated } from './wave-files.js';
import { imageReadSettings, imageResolverOf, readImagesFor } from './repository-images.js';
import type { ImageResolverFor } from './repository-images.js';
import type { KeptImageRead } from '../github/read-image-files.js';
import { listTrees } from '../github/list-trees.js';
import { readRepositories, repositoryKey } from '../github/read-repository.js';
import { READ_CONCURRENCY } from '../github/read-concurrency.js';
import type { RepositoryRead } from '../github/read-repository.js';
import { servesRun } from '../queue/pre-reads.js';
import type { PreReads } from '../queue/pre-reads.js';

/** Repositories read per wave; bounds what one wave holds while it is located and warmed. */
export const SCAN_WAVE = 200;

export interface ScanDeps {
  readonly github: GitHubClient;
  readonly log: Pick<Logger, 'info' | 'warn'>;
  readonly installationId: number;
  readonly resolver: RefResolver;
  readonly auditFacts: AuditFacts;
  readonly preReads: PreReads;
  readonly loadConfig: LoadConfig;
  /** Set when the App pins images: the wave reads each repository's image files for its run. */
  readonly imageResolverFor?: ImageResolverFor | undefined;
  /** Queues the wave's runs, in the order given. */
  readonly submitAll: (requests: readonly RunRequest[]) => Promise<void>;
  /** Told the installation's repositories once they are known (the dashboard). */
  readonly know?: (owner: string, repositories: readonly string[]) => void;
}

/** The installation's repositories (the payload's list, else asked), in waves of `SCAN_WAVE`. */
export async function listInstallation(
  deps: Pick<ScanDeps, 'github' | 'log' | 'know'>,
  listed: readonly string[] | undefined,
): Promise<string[][]> {
  // The payload lists the repositories; when it does not, ask the installation.
  const names = listed ?? (await installationRepositories(deps.github));
  deps.log.info({ repositories: names.length }, 'scanning the repositories of the installation');
  const owner = names[0]?.split('/')[0];
  if (owner) deps.know?.(owner, names);
  const waves: string[][] = [];
  for (let start = 0; start < names.length; start += SCAN_WAVE) waves.push(names.slice(start, start + SCAN_WAVE));
  return waves;
}

/**
 * A wave's repositories read, several per GraphQL query, and their image files (still being read
 * when this resolves: they are read while the wave is located, or while the wave before it is
 * planned when read ahead). Never rejects: a repository not read is read by its run.
 */
export async function readWave(deps: WaveReadDeps, names: readonly string[]): Promise<WaveReads> {
  const wave = waveOf(names);
  const repositories = await readRepositories(deps.github, wave).catch((error: unknown) => {
    deps.log.warn({ err: error }, 'batched read failed; each repository will be read on its own');
    return new Map<string, RepositoryRead>();
  });
  return { repositories, images: readWaveImages(deps, wave, repositories) };
}

/** What reading a wave needs: the image files are read as each repository's run would read them. */
export type WaveReadDeps = Pick<ScanDeps, 'github' | 'log' | 'loadConfig' | 'imageResolverFor'>;

function waveOf(names: readonly string[]): { owner: string; name: string }[] {
  return names.map((full) => {
    const [owner = '', name = ''] = full.split('/');
    return { owner, name };
  });
}

/**
 * One wave: read its repositories (unless read ahead) (several per GraphQL query), locate their files once, warm the
 * installation's caches for the whole wave, rank each repository and queue the runs, riskiest first.
 */
export async function scanWave(deps: ScanDeps, names: readonly string[], read?: Promise<WaveReads>): Promise<void> {
  const { log } = deps;
  const wave = waveOf(names);
  // The image files may still be in flight: they are read while the wave's workflows are located
  // and its caches warmed.
  const { repositories: reads, images: imageReads } = await (read ?? readWave(deps, names));
  // Parsed once for all: the wave's refs resolved in one ask, then the audit's questions for
  // the whole wave (comment tags, reachability, manifests), so each run finds its answers in
  // the installation's caches — and its files already located.
  const readEntries = [...reads];
  const waveFiles = await auditedWaveFiles(readEntries.map(([, read]) => (read.status === 'read' ? read.files : [])));
  const audited = waveFiles.flat();
  const references = audited.flatMap((file) => (file.located.ok ? file.located.references : []));
  await deps.resolver.resolve(collectRefRequests(references));
  // Only the questions: the checks are the runs' (asking is the network part, judging the CPU part).
  await askAuditQuestions(audited, deps.auditFacts).catch((error: unknown) =>
    log.warn({ err: error }, "the wave's audit warm-up failed; each run asks on its own"),
  );
  const images = await imageReads;
  const at = Date.now();
  const ranks = new Map<string, RolloutRank>();
  await Promise.all(
    readEntries.map(([key, read], index) => {
      const files = waveFiles[index]!;
      ranks.set(
        key,
        rolloutRank(
          files.flatMap((file) => (file.located.ok ? file.located.references : [])),
          BUILT_IN_COMPROMISES,
        ),
      );
      const kept = images.get(key);
      return deps.preReads.keep(
        deps.installationId,
        key,
        withLocated(kept && read.status === 'read' ? { ...read, images: kept } : read, files),
        at,
      );
    }),
  );
  // Queued as soon as the wave is read, so runs start while other waves are read; the queue's
  // priority puts a later wave's riskier repositories before an earlier wave's safer ones still
  // waiting. A repository that could not be read goes with the riskiest, to be read by its run.
  const order = wave.map((repository, index) => ({
    repository,
    index,
    rank: ranks.get(repositoryKey(repository)) ?? 0,
  }));
  order.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const byRank = [0, 0, 0, 0];
  for (const { rank } of order) byRank[rank] = byRank[rank]! + 1;
  await deps.submitAll(
    order.map(({ repository, rank }) => ({
      installationId: deps.installationId,
      owner: repository.owner,
      name: repository.name,
      trigger: 'install',
      priority: queuePriority('install', rank),
    })),
  );
  log.info({ repositories: wave.length, byRank }, 'a wave of the installation is queued, riskiest first');
}

/**
 * The image files of the wave's repositories whose runs will pin images, read as their runs would
 * (same config, same commit), a few at once. One that cannot be read is left to its run, which
 * reads it again and says what failed.
 */
async function readWaveImages(
  deps: WaveReadDeps,
  wave: readonly { owner: string; name: string }[],
  reads: ReadonlyMap<string, RepositoryRead>,
): Promise<Map<string, KeptImageRead>> {
  const found = new Map<string, KeptImageRead>();
  if (!deps.imageResolverFor) return found;
  const queue = new PQueue({ concurrency: READ_CONCURRENCY });
  // Which runs will pin images (their config, the operator's hosts), a few configs at once.
  const wanted = (
    await Promise.all(
      wave.map((repository) =>
        queue.add(async () => {
          const read = reads.get(repositoryKey(repository));
          if (read?.status !== 'read' || !servesRun(read, { trigger: 'install', pushed: false })) return undefined;
          try {
            const config = await deps.loadConfig(deps.github, repository.owner, repository.name, read.configText);
            return config.ok && imageResolverOf(deps, config.config)?.ok === true
              ? { repository, commit: read.headSha, config: config.config }
              : undefined;
          } catch (error) {
            deps.log.warn(
              { err: error, repository: repositoryKey(repository) },
              "the wave could not read a repository's config; its run reads it",
            );
            return undefined;
          }
        }),
      ),
    )
  ).filter((entry) => entry !== undefined);
  // Their trees, ten a GraphQL query (a tree deeper than the listing goes is listed by its read).
  let listings: Awaited<ReturnType<typeof listTrees>> = [];
  try {
    listings = await listTrees(
      deps.github,
      wanted.map(({ repository, commit }) => ({ ...repository, commit })),
    );
  } catch (error) {
    deps.log.warn({ err: error }, "the wave could not list its repositories' trees; each read lists its own");
  }
  // Never rejects: the wave may have failed already, with nobody left to catch it.
  await Promise.all(
    wanted.map(({ repository, commit, config }, index) =>
      queue.add(async () => {
        try {
          found.set(repositoryKey(repository), {
            settings: imageReadSettings(config),
            read: await readImagesFor(deps.github, repository, commit, config, listings[index]),
          });
        } catch (error) {
          deps.log.warn(
            { err: error, repository: repositoryKey(repository) },
            "the wave could not read a repository's image files; its run reads them",
          );
        }
      }),
    ),
  );
  return found;
}
