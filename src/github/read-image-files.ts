// Reads the files of a repository that may name container images: the whole tree listed once
// (GraphQL, list-trees.ts; `git/trees?recursive=1` for a tree deeper than that lists), the files
// picked by their paths, and their texts fetched at the run's commit through GraphQL, many per
// query. Bounded in files and bytes; what is left out is said.
import { chartTemplatePaths, chartYamlOf, imagePathsAmong, looksLikeKubernetes } from '../images/image-file-kind.js';
import type { ImagePath } from '../images/image-file-kind.js';
import { appVersionOf } from '../images/chart-app-version.js';
import type { ImageFile } from '../images/types.js';
import type { SnapshotFile } from '../plan/plan-repository.js';
import type { GitHubClient } from './github-client.js';
import { BLOB, blobTaker } from './blobs.js';
import type { Blob } from './blobs.js';
import { listTrees } from './list-trees.js';
import type { TreeEntry, TreeListing } from './list-trees.js';

/** Image files read per repository; a monorepo past this is told which were left out. */
export const MAX_IMAGE_FILES = 200;
/** Bytes of image files (and chart templates) read per repository, by the sizes the tree gives. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Templates read per chart, to learn whether it reads `.Values.<image>.digest`. */
export const MAX_CHART_TEMPLATES = 100;
/** GitHub's GraphQL answers a blob's text up to this many bytes. */
const TEXT_LIMIT = 512_000;
const PATHS_PER_QUERY = 50;

export interface ImageFilesRead {
  readonly files: readonly ImageFile[];
  readonly unreadable: readonly { readonly path: string; readonly reason: string }[];
  /** What the read left out as a whole (a truncated tree, files over the bounds). */
  readonly notes: readonly string[];
  /** The texts of the other paths asked for, those that exist; null for one that is a folder or not text (plain data: a kept read travels as JSON). */
  readonly also: readonly { readonly path: string; readonly text: string | null }[];
}

/** A repository's image files as an install wave read them for its run, with the settings that chose them. */
export interface KeptImageRead {
  /** `imageReadSettings` of the config they were chosen with: a run with other settings reads again. */
  readonly settings: string;
  readonly read: ImageFilesRead;
}

/** Which of the tree's paths to read, within the bounds: pure, so the bounds are tested on plain data. */
export function chooseImagePaths(
  entries: readonly TreeEntry[],
  isIgnored: (path: string) => boolean,
): {
  files: ImagePath[];
  templates: Map<string, string[]>;
  unreadable: { path: string; reason: string }[];
  notes: string[];
} {
  const blobs = entries.filter((entry) => entry.type === 'blob');
  const sizeOf = new Map(blobs.map((entry) => [entry.path, entry.size ?? 0]));
  const paths = blobs.map((entry) => entry.path);
  // Files named for images first; other YAML (maybe Kubernetes) after, smallest first.
  const found = imagePathsAmong(paths).filter((file) => !isIgnored(file.path));
  const ranked = [
    ...found.filter((file) => file.kind !== 'maybe-kubernetes'),
    ...found
      .filter((file) => file.kind === 'maybe-kubernetes')
      .sort((a, b) => sizeOf.get(a.path)! - sizeOf.get(b.path)!),
  ];
  const files: ImagePath[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const notes: string[] = [];
  const templates = new Map<string, string[]>();
  let bytes = 0;
  let leftOut = 0;
  for (const file of ranked) {
    const size = sizeOf.get(file.path)!;
    if (size > TEXT_LIMIT) {
      if (file.kind !== 'maybe-kubernetes')
        unreadable.push({
          path: file.path,
          reason: `larger than GitHub's ${TEXT_LIMIT.toLocaleString('en-US')}-byte text limit (${size} bytes); its images were not read`,
        });
      continue;
    }
    const chartTemplates =
      file.chartDir !== undefined && !templates.has(file.chartDir)
        ? chartTemplatePaths(paths, file.chartDir).slice(0, MAX_CHART_TEMPLATES)
        : [];
    const cost = size + chartTemplates.reduce((sum, path) => sum + Math.min(sizeOf.get(path) ?? 0, TEXT_LIMIT), 0);
    if (files.length >= MAX_IMAGE_FILES || bytes + cost > MAX_IMAGE_BYTES) {
      leftOut += 1;
      continue;
    }
    bytes += cost;
    files.push(file);
    if (file.chartDir !== undefined && !templates.has(file.chartDir)) templates.set(file.chartDir, chartTemplates);
  }
  if (leftOut > 0)
    notes.push(
      `${leftOut} more files that may name images were not read: pinwarden reads at most ${MAX_IMAGE_FILES} such files (${MAX_IMAGE_BYTES / 1024 / 1024} MiB) per repository`,
    );
  return { files, templates, unreadable, notes };
}

/** `alsoRead`: other paths whose text the run wants when they exist (the Kyverno policies' file). */
export async function readImageFiles(
  github: GitHubClient,
  repository: { owner: string; name: string },
  commit: string,
  isIgnored: (path: string) => boolean,
  alsoRead: readonly string[] = [],
  listing?: TreeListing,
): Promise<ImageFilesRead> {
  const data = await treeOf(github, repository, commit, listing);
  const chosen = chooseImagePaths(data.tree, isIgnored);
  const notes = [...chosen.notes];
  if (data.truncated)
    notes.push(
      'the repository has more files than GitHub lists in one answer; images in the files it left out were not read',
    );
  const inTree = new Set(data.tree.map((entry) => entry.path));
  const blobs = new Set(data.tree.filter((entry) => entry.type === 'blob').map((entry) => entry.path));
  const wanted = [
    ...new Set([
      ...chosen.files.map((file) => file.path),
      ...[...chosen.templates.values()].flat(),
      ...[...chosen.templates.keys()].map(chartYamlOf).filter((path) => blobs.has(path)),
      ...alsoRead.filter((path) => blobs.has(path)),
    ]),
  ];
  const texts = await readTexts(github, repository, commit, wanted);
  const textOf = new Map(texts.files.map((file) => [file.path, file.text]));
  const chosenPaths = new Set(chosen.files.map((file) => file.path));
  const unreadable = [...chosen.unreadable, ...texts.unreadable.filter((file) => chosenPaths.has(file.path))];
  const files = chosen.files.flatMap((file): ImageFile[] => {
    const text = textOf.get(file.path);
    if (text === undefined) return [];
    if (file.kind === 'maybe-kubernetes')
      return looksLikeKubernetes(text) ? [{ path: file.path, kind: 'kubernetes', text }] : [];
    const templates =
      file.chartDir !== undefined
        ? (chosen.templates.get(file.chartDir) ?? []).flatMap((path) => textOf.get(path) ?? [])
        : undefined;
    const appVersion = file.chartDir !== undefined ? appVersionOf(textOf.get(chartYamlOf(file.chartDir))) : undefined;
    return [
      {
        path: file.path,
        kind: file.kind,
        text,
        ...(templates ? { templates } : {}),
        ...(appVersion !== undefined ? { appVersion } : {}),
      },
    ];
  });
  // A path that is there but is a folder (or a prefix of other paths) is taken, not free.
  const taken = (path: string) =>
    inTree.has(path) || [...inTree].some((other) => other !== undefined && other.startsWith(`${path}/`));
  return {
    files,
    unreadable,
    notes,
    also: alsoRead.flatMap((path): ImageFilesRead['also'] =>
      textOf.has(path) ? [{ path, text: textOf.get(path)! }] : taken(path) ? [{ path, text: null }] : [],
    ),
  };
}

/**
 * The repository's tree: the listing handed in (a wave lists ten repositories a query), else one
 * listed now with GraphQL; over REST (recursive) only when the listing did not reach every folder.
 */
async function treeOf(
  github: GitHubClient,
  repository: { owner: string; name: string },
  commit: string,
  listing: TreeListing | undefined,
): Promise<{ tree: readonly TreeEntry[]; truncated: boolean }> {
  const listed = listing ?? (await listTrees(github, [{ ...repository, commit }]))[0];
  if (listed?.complete) return { tree: listed.entries, truncated: false };
  const { data } = await github.rest.git.getTree({
    owner: repository.owner,
    repo: repository.name,
    tree_sha: commit,
    recursive: 'true',
  });
  return {
    tree: data.tree.map((entry) => ({
      path: entry.path ?? '',
      type: entry.type ?? '',
      ...(entry.size !== undefined ? { size: entry.size } : {}),
    })),
    truncated: data.truncated,
  };
}

/** The texts of `paths` at `commit`, `PATHS_PER_QUERY` per GraphQL query. */
async function readTexts(
  github: GitHubClient,
  repository: { owner: string; name: string },
  commit: string,
  paths: readonly string[],
): Promise<{ files: SnapshotFile[]; unreadable: { path: string; reason: string }[] }> {
  const read = await readObjects(
    github,
    repository,
    paths.map((path) => `${commit}:${path}`),
  );
  const files: SnapshotFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const take = blobTaker(files, unreadable);
  paths.forEach((path) => take(path, read.get(`${commit}:${path}`)));
  return { files, unreadable };
}

/** Blobs by git expression (`<commit>:<path>`), `PATHS_PER_QUERY` per GraphQL query; a missing one is null. */
export async function readObjects(
  github: GitHubClient,
  repository: { owner: string; name: string },
  expressions: readonly string[],
): Promise<Map<string, Blob | null>> {
  const found = new Map<string, Blob | null>();
  for (let start = 0; start < expressions.length; start += PATHS_PER_QUERY) {
    const batch = expressions.slice(start, start + PATHS_PER_QUERY);
    const objects = batch.map(
      (expression, index) => `f${index}: object(expression: ${JSON.stringify(expression)}) { ${BLOB} }`,
    );
    const data = await github.graphql<{ repository: Record<string, Blob | null> | null }>(
      `query pinwardenReadObjects($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) { ${objects.join(' ')} }\n}`,
      { owner: repository.owner, name: repository.name },
    );
    batch.forEach((expression, index) => found.set(expression, data.repository?.[`f${index}`] ?? null));
  }
  return found;
}
