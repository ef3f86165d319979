// A synthetic org for the benchmark: N repositories whose workflow and action files are drawn
// from the real corpus (../shared/corpus/workflows) with their verified SHA pins turned back
// into tags, so resolution has real work and its right answer is known. Deterministic: the same
// seed gives the same org, so the fake (one process) and the runners (others) agree.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { RepoRefs } from '../../resolve/repo-refs.js';
import { fileKindOf } from '../../workflow/file-kind.js';
import { locateUsesSites } from '../../workflow/locate-uses-sites.js';
import { findVerifiablePins, unpinToTags } from './unpin-to-tags.js';

export const ORG = 'bench-org';

export interface SyntheticRepository {
  readonly owner: string;
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly archived: boolean;
}

/** mulberry32: a small seeded generator, enough to pick files reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function repositoryName(index: number): string {
  return `repo-${String(index + 1).padStart(4, '0')}`;
}

/** The names alone, for runners that only deliver webhooks. */
export function orgRepositoryNames(
  count: number,
): { owner: string; name: string; private: boolean; defaultBranch: string }[] {
  return Array.from({ length: count }, (_, index) => ({
    owner: ORG,
    name: repositoryName(index),
    private: false,
    defaultBranch: 'main',
  }));
}

interface SourceRepository {
  readonly workflows: [string, string][];
  readonly actions: [string, string][];
}

async function readCorpus(corpusDir: string, refs: readonly RepoRefs[]): Promise<SourceRepository[]> {
  const refsByRepo = new Map(refs.map((entry) => [entry.repo.toLowerCase(), entry]));
  const sources: SourceRepository[] = [];
  for (const dir of (await readdir(corpusDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()) {
    const root = join(corpusDir, dir);
    const entries = (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    const workflows: [string, string][] = [];
    const actions: [string, string][] = [];
    for (const entry of entries.sort((a, b) => (a.parentPath + a.name < b.parentPath + b.name ? -1 : 1))) {
      const path = relative(root, join(entry.parentPath, entry.name)).split('\\').join('/');
      const kind = fileKindOf(path);
      if (!kind) continue;
      const text = await readFile(join(root, path), 'utf8');
      const located = locateUsesSites(text, kind);
      const unpinned = located.ok
        ? unpinToTags(text, findVerifiablePins(located.references, refsByRepo), { dropComment: true })
        : text;
      (kind === 'workflow' ? workflows : actions).push([path, unpinned]);
    }
    if (workflows.length > 0) sources.push({ workflows, actions });
  }
  return sources;
}

export async function synthesizeOrg(options: {
  repos: number;
  seed: number;
  corpusDir: string;
  refs: readonly RepoRefs[];
}): Promise<SyntheticRepository[]> {
  const sources = await readCorpus(options.corpusDir, options.refs);
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: options.repos }, (_, index) => {
    const source = pick(sources);
    const count = 1 + Math.floor(random() * Math.min(5, source.workflows.length));
    const shuffled = [...source.workflows].sort(() => random() - 0.5).slice(0, count);
    const files: Record<string, string> = Object.fromEntries(shuffled);
    if (random() < 0.5) for (const [path, text] of source.actions) files[path] = text;
    files['README.md'] = `# ${repositoryName(index)}\n`;
    // A few repositories already have Dependabot for npm; a few are archived.
    if (random() < 0.1)
      files['.github/dependabot.yml'] =
        'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: "/"\n    schedule:\n      interval: weekly\n';
    return { owner: ORG, name: repositoryName(index), files, archived: random() < 0.02 };
  });
}
