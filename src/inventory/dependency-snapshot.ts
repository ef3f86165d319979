// The inventory as a dependency-graph snapshot (`POST /repos/{owner}/{repo}/dependency-graph/snapshots`):
// one manifest a file — a workflow, an action, a Dockerfile, a compose file, a chart's values — its
// actions and images by package URL, direct, and what those actions call inside them, indirect.
// Each submission with pinwarden's correlator replaces the one before it.
import { callsInside } from './inventory.js';
import type { InventoryEntry } from './inventory.js';
import { purlOf } from './purl.js';

export const SNAPSHOT_CORRELATOR = 'pinwarden_default-branch';
const DETECTOR_URL = 'https://github.com/pinwarden/pinwarden';

export interface SnapshotContext {
  /** The commit read, and its branch (`refs/heads/main`). */
  readonly sha: string;
  readonly ref: string;
  readonly version: string;
  readonly jobId: string;
  readonly scanned: string;
}

interface ResolvedDependency {
  package_url: string;
  relationship: 'direct' | 'indirect';
  scope: 'runtime';
  dependencies: string[];
}

export interface DependencySnapshot {
  readonly version: 0;
  readonly sha: string;
  readonly ref: string;
  readonly job: { readonly correlator: string; readonly id: string };
  readonly detector: { readonly name: string; readonly version: string; readonly url: string };
  readonly scanned: string;
  readonly manifests: Record<
    string,
    { name: string; file: { source_location: string }; resolved: Record<string, ResolvedDependency> }
  >;
}

export function dependencySnapshot(entries: readonly InventoryEntry[], context: SnapshotContext): DependencySnapshot {
  const manifests: DependencySnapshot['manifests'] = {};
  for (const entry of entries) {
    const manifest = (manifests[entry.path] ??= {
      name: entry.path,
      file: { source_location: entry.path },
      resolved: {},
    });
    const purl = purlOf(entry);
    const resolved = (manifest.resolved[purl] ??= {
      package_url: purl,
      relationship: entry.relationship,
      scope: 'runtime',
      dependencies: [],
    });
    // Used directly somewhere in the file makes it direct, whatever else calls it.
    if (entry.relationship === 'direct') resolved.relationship = 'direct';
  }
  // What an action calls is listed as its dependency, in the file that uses it (a level deeper:
  // under the action that calls it).
  for (const { caller, called } of callsInside(entries)) {
    const dependencies = manifests[called.path]?.resolved[purlOf(caller)]?.dependencies;
    const purl = purlOf(called);
    if (dependencies && purlOf(caller) !== purl && !dependencies.includes(purl)) dependencies.push(purl);
  }
  return {
    version: 0,
    sha: context.sha,
    ref: context.ref,
    job: { correlator: SNAPSHOT_CORRELATOR, id: context.jobId },
    detector: { name: 'pinwarden', version: context.version, url: DETECTOR_URL },
    scanned: context.scanned,
    manifests,
  };
}
