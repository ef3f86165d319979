// A run's container images: whether it pins them (its config, the operator's registry hosts), the
// image files it reads (or the ones its install wave read with the same settings), and the audit of
// the images the default branch names.
import type { RepositoryPlan } from '../plan/plan-repository.js';
import { auditImages } from '../audit/audit-images.js';
import type { Finding } from '../audit/types.js';
import { globMatcher } from '../config/glob.js';
import type { PinwardenConfig } from '../config/pinwarden-config.js';
import type { GitHubClient } from '../github/github-client.js';
import { readImageFiles } from '../github/read-image-files.js';
import type { ImageFilesRead } from '../github/read-image-files.js';
import type { TreeListing } from '../github/list-trees.js';
import type { RepositoryRead } from '../github/read-repository.js';
import type { ImageDigestResolver } from '../images/image-digests.js';

/** The digest resolver for a repository's mirrors, or why they cannot be used. */
export type ImageResolverFor = (
  mirrors: readonly string[],
) => { readonly ok: true; readonly resolver: ImageDigestResolver } | { readonly ok: false; readonly problem: string };

/**
 * Whether a run pins the repository's images: its config turns them on, and the operator allows
 * the hosts of its mirrors (a repository's mirrors are used only there). Undefined: images are off.
 */
export function imageResolverOf(
  deps: { readonly imageResolverFor?: ImageResolverFor | undefined },
  config: PinwardenConfig,
): ReturnType<ImageResolverFor> | undefined {
  return config.images.enabled ? deps.imageResolverFor?.(config.images.mirrors) : undefined;
}

/** What chose the image files to read: the paths ignored and the Kyverno policies' path. */
export function imageReadSettings(config: PinwardenConfig): string {
  return JSON.stringify([config.ignore.paths, config.images.kyverno_path]);
}

/** The image files the install's wave read for this run, when chosen with the run's own settings. */
export function keptImageRead(
  read: Extract<RepositoryRead, { status: 'read' }>,
  config: PinwardenConfig,
): ImageFilesRead | undefined {
  return read.images?.settings === imageReadSettings(config) ? read.images.read : undefined;
}

/** The repository's image files at `commit`; a failure to list or read them is said in the pull request, not fatal. */
export async function readRepositoryImages(
  github: GitHubClient,
  repository: { owner: string; name: string },
  commit: string,
  config: PinwardenConfig,
): Promise<ImageFilesRead> {
  try {
    return await readImagesFor(github, repository, commit, config);
  } catch (error) {
    return {
      files: [],
      unreadable: [],
      notes: [`the repository's image files could not be read: ${(error as Error).message}`],
      also: [],
    };
  }
}

/** The image files `config` asks for, read at `commit`: the run's read and the install wave's. */
export function readImagesFor(
  github: GitHubClient,
  repository: { owner: string; name: string },
  commit: string,
  config: PinwardenConfig,
  listing?: TreeListing,
): Promise<ImageFilesRead> {
  const ignore = globMatcher(config.ignore.paths);
  return readImageFiles(
    github,
    repository,
    commit,
    (path) => ignore.matches(path),
    [config.images.kyverno_path],
    listing,
  );
}

/** The audit of the images the default branch names (as they are, before this run's pins). */
export function auditRepositoryImages(plan: RepositoryPlan): Finding[] {
  const images = plan.images;
  return images
    ? images.files.flatMap((file) =>
        file.located.ok ? auditImages(file.path, file.located.images, images.resolutions, images.signatures) : [],
      )
    : [];
}
