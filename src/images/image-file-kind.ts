// Which files hold images, by name — and, for plain YAML, by content: a Kubernetes manifest is
// any YAML document with `apiVersion` and `kind`. A chart's templates (`{{ … }}`) are not
// rewritten; its values files are read where a `Chart.yaml` sits beside them.
import { fileKindOf } from '../workflow/file-kind.js';
import type { ImageFileKind } from './types.js';

const DOCKERFILE =
  /(?:^|\/)(?:Dockerfile|Containerfile|[^/]+\.(?:Dockerfile|Containerfile)|(?:Dockerfile|Containerfile)\.[^/]+)$/;
const DOCKERIGNORE = /\.dockerignore$/;
const COMPOSE = /(?:^|\/)(?:docker-)?compose(?:\.[^/]+)?\.ya?ml$/;
const KUSTOMIZATION = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;
const VALUES = /(?:^|\/)values[^/]*\.ya?ml$/;
const YAML = /\.ya?ml$/;

/** Folders never read for images: dependencies, vendored code, git's own. */
export const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', 'vendor']);

/**
 * A repository-relative path's kind by name alone; `maybe-kubernetes` for other YAML, decided by
 * its text. `chartDirs` are the folders holding a `Chart.yaml`.
 */
export function imageFileKindByPath(
  path: string,
  chartDirs: ReadonlySet<string>,
): ImageFileKind | 'maybe-kubernetes' | undefined {
  const actionKind = fileKindOf(path);
  if (actionKind) return actionKind;
  if (DOCKERFILE.test(path) && !DOCKERIGNORE.test(path)) return 'dockerfile';
  if (COMPOSE.test(path)) return 'compose';
  if (KUSTOMIZATION.test(path)) return 'kustomization';
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (VALUES.test(path) && chartDirs.has(dir)) return 'helm-values';
  if (!YAML.test(path) || path.startsWith('.github/') || /(?:^|\/)Chart\.ya?ml$/.test(path)) return undefined;
  // Inside a chart: templates are Go templates, and other YAML there is the chart's own.
  if ([...chartDirs].some((chart) => path.startsWith(chart === '' ? '' : `${chart}/`))) return undefined;
  return 'maybe-kubernetes';
}

/** A chart values file's name (`values.yaml`, `values-prod.yml`): one, when a `Chart.yaml` sits beside it. */
export function isValuesFileName(path: string): boolean {
  return VALUES.test(path);
}

/** A YAML text some document of which has top-level `apiVersion:` and `kind:` keys (a UTF-8 BOM may come first). */
export function looksLikeKubernetes(text: string): boolean {
  return /^\uFEFF?apiVersion:[ \t]*\S/m.test(text) && /^\uFEFF?kind:[ \t]*\S/m.test(text);
}

export function chartDirsOf(paths: readonly string[]): Set<string> {
  return new Set(
    paths
      .filter((path) => /(?:^|\/)Chart\.yaml$/.test(path))
      .map((path) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')),
  );
}

/** A repository file that may name images, by its path; `maybe-kubernetes` YAML is decided by its text. */
export interface ImagePath {
  readonly path: string;
  readonly kind: Exclude<ImageFileKind, 'workflow' | 'action'> | 'maybe-kubernetes';
  /** The folder of the chart a values file belongs to (`''` at the top). */
  readonly chartDir?: string;
}

/** The files among a repository's relative paths that may name images, skipped folders left out. */
export function imagePathsAmong(paths: readonly string[]): ImagePath[] {
  const kept = paths.filter(
    (path) =>
      !path
        .split('/')
        .slice(0, -1)
        .some((folder) => SKIPPED_FOLDERS.has(folder)),
  );
  const charts = chartDirsOf(kept);
  return kept.flatMap((path): ImagePath[] => {
    const kind = imageFileKindByPath(path, charts);
    if (kind === undefined || kind === 'workflow' || kind === 'action') return [];
    return [{ path, kind, ...(kind === 'helm-values' ? { chartDir: folderOf(path) } : {}) }];
  });
}

/** The Chart.yaml of the chart in `chartDir` (`''` at the top). */
export function chartYamlOf(chartDir: string): string {
  return chartDir === '' ? 'Chart.yaml' : `${chartDir}/Chart.yaml`;
}

/** The templates (helpers included) of the chart in `chartDir`, among a repository's paths. */
export function chartTemplatePaths(paths: readonly string[], chartDir: string): string[] {
  const prefix = chartDir === '' ? 'templates/' : `${chartDir}/templates/`;
  return paths.filter((path) => path.startsWith(prefix) && /\.(?:ya?ml|tpl|txt)$/.test(path));
}

export function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}
