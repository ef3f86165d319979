// Which Dependabot entries keep a repository's image digests current: `docker` for the folders of
// Dockerfiles and Kubernetes manifests (Dependabot reads manifests in the folders it is given —
// github.blog/changelog 2022-11-16), `docker-compose` for compose files, `helm` for charts. Images
// in workflows and kustomizations have no Dependabot ecosystem: they are said, not configured.
import { folderOf } from '../images/image-file-kind.js';
import type { ImageFileKind } from '../images/types.js';
import type { DependabotEcosystem, DependabotNeed } from './types.js';

const ECOSYSTEM: Partial<Record<ImageFileKind, DependabotEcosystem>> = {
  dockerfile: 'docker',
  kubernetes: 'docker',
  compose: 'docker-compose',
  'helm-values': 'helm',
};

/** The entries for the files that hold digests once the pull request merges, folders sorted. */
export function imageDependabotNeeds(
  files: readonly { readonly path: string; readonly kind: ImageFileKind }[],
): DependabotNeed[] {
  const folders = new Map<DependabotEcosystem, Set<string>>();
  for (const file of files) {
    const ecosystem = ECOSYSTEM[file.kind];
    if (!ecosystem) continue;
    if (!folders.has(ecosystem)) folders.set(ecosystem, new Set());
    folders.get(ecosystem)!.add(`/${folderOf(file.path)}`);
  }
  return (['docker', 'docker-compose', 'helm'] as const).flatMap((ecosystem) =>
    folders.has(ecosystem) ? [{ ecosystem, directories: [...folders.get(ecosystem)!].sort() }] : [],
  );
}

/** Kinds whose digests Dependabot does not update. */
export function kindsWithoutDependabot(kinds: readonly ImageFileKind[]): ImageFileKind[] {
  return [...new Set(kinds.filter((kind) => ECOSYSTEM[kind] === undefined))];
}
