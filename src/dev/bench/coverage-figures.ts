// How many repositories of ../shared/corpus each of issue 28's gaps touches: composite actions
// outside the root (their folders go into Dependabot's directories), reusable workflows called
// (the SHA policy reads them), actions.lock files, workflows a generator owns, pre-commit configs.
// `node dist-dev/dev/bench/coverage-figures.js [corpus/workflows]`
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { locatePreCommit } from '../../pre-commit/locate-pre-commit.js';
import { generatorOf } from '../../workflow/generated.js';
import { fileKindOf } from '../../workflow/file-kind.js';
import { locateUsesSites } from '../../workflow/locate-uses-sites.js';
import { isRemoteRef } from '../../workflow/parse-action-ref.js';

const corpus = process.argv[2] ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'corpus', 'workflows');

function filesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const counts = {
  repositories: 0,
  compositeOutsideRoot: 0,
  callsReusable: 0,
  actionsLock: 0,
  generated: 0,
  preCommit: 0,
};
for (const repository of readdirSync(corpus, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
  counts.repositories += 1;
  const root = join(corpus, repository.name);
  const seen = new Set<keyof typeof counts>();
  for (const file of filesOf(root)) {
    const path = relative(root, file).split('\\').join('/');
    const text = readFileSync(file, 'utf8');
    const kind = fileKindOf(path);
    const located = kind ? locateUsesSites(text, kind) : undefined;
    const remote = located?.ok ? located.references.filter((reference) => isRemoteRef(reference.ref)) : [];
    if (kind === 'action' && path.includes('/') && remote.length > 0) seen.add('compositeOutsideRoot');
    if (remote.some((reference) => reference.ref.kind === 'reusable-workflow')) seen.add('callsReusable');
    if (path.endsWith('actions.lock')) seen.add('actionsLock');
    if (kind === 'workflow' && generatorOf(text)) seen.add('generated');
    if (path.endsWith('.pre-commit-config.yaml') && locatePreCommit(text).ok) seen.add('preCommit');
  }
  for (const key of seen) counts[key] += 1;
}
console.log(JSON.stringify(counts));
