// Package URLs (purl) of what the inventory lists, as the dependency graph and CycloneDX name
// packages. An action: `pkg:githubactions/owner/repo@version#path`, its version without the `v`
// the GitHub Advisory Database writes its ranges without (`tj-actions/changed-files` `<= 45.0.7`),
// a pin's commit in `vcs_url`; a SHA pin without a version comment has the commit as its version. An
// image: `pkg:docker/namespace/name@<digest or tag>`, its registry in `repository_url` when it is
// not Docker Hub, its tag in `tag` beside a digest.
import { PackageURL } from 'packageurl-js';
import { DOCKER_HUB } from '../images/image-reference.js';
import type { InventoryEntry } from './inventory.js';

export function purlOf(entry: InventoryEntry): string {
  return entry.kind === 'image' ? imagePurl(entry) : actionPurl(entry);
}

function actionPurl(entry: InventoryEntry): string {
  const [owner = '', repo = '', ...path] = entry.name.split('/');
  const version = entry.version?.replace(/^v(?=\d)/, '') ?? (entry.pinned ? entry.commit : undefined);
  // A tag's commit of today is not in its package URL: the URL would change whenever the tag moves.
  const qualifiers =
    entry.pinned && entry.commit ? { vcs_url: `git+https://github.com/${owner}/${repo}@${entry.commit}` } : undefined;
  return new PackageURL(
    'githubactions',
    owner,
    repo,
    version,
    qualifiers,
    path.length > 0 ? path.join('/') : undefined,
  ).toString();
}

function imagePurl(entry: InventoryEntry): string {
  const slash = entry.name.indexOf('/');
  const registry = entry.name.slice(0, slash);
  const parts = entry.name.slice(slash + 1).split('/');
  const name = parts.pop() ?? '';
  const qualifiers: Record<string, string> = {};
  if (registry !== DOCKER_HUB) qualifiers.repository_url = registry;
  if (entry.digest && entry.version) qualifiers.tag = entry.version;
  return new PackageURL(
    'docker',
    parts.length > 0 ? parts.join('/') : undefined,
    name,
    entry.digest ?? entry.version,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    undefined,
  ).toString();
}
