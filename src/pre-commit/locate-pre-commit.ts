// The hooks of a `.pre-commit-config.yaml` that come from GitHub: each `repos[]` entry whose
// `repo:` is `https://github.com/<owner>/<repo>` (`.git` or not), with its `rev:` as written and
// where it sits. `local` and `meta` hooks, other hosts and a `rev:` pinwarden cannot place are
// named with the reason, never guessed.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { MAX_NESTING, describeYamlError, nestedTooDeeply } from '../common/yaml-error.js';
import { buildScalarSite, foundUnder, scalarText, scanScalars } from '../yaml/scalar-site.js';
import type { ScalarSite, YamlText } from '../yaml/scalar-site.js';

export const PRE_COMMIT_PATH = '.pre-commit-config.yaml';

export interface PreCommitHook {
  readonly owner: string;
  readonly repo: string;
  /** `repos[2].rev` and its place: where a commit is written. */
  readonly rev: ScalarSite;
}

export type LocatedPreCommit =
  | { readonly ok: true; readonly hooks: readonly PreCommitHook[]; readonly others: readonly string[] }
  | { readonly ok: false; readonly error: string };

const GITHUB_REPO = /^https:\/\/github\.com\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/;

export function locatePreCommit(text: string): LocatedPreCommit {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors[0]) return { ok: false, error: describeYamlError(doc.errors[0].message) };
  const shape = scanScalars([doc.contents]);
  if (shape.depth > MAX_NESTING) return { ok: false, error: nestedTooDeeply() };
  const yaml: YamlText = { text, lines, scalarSpans: shape.spans };
  const repos = isMap(doc.contents) ? doc.contents.get('repos', true) : undefined;
  if (!isSeq(repos)) return { ok: true, hooks: [], others: [] };
  const hooks: PreCommitHook[] = [];
  const others: string[] = [];
  repos.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const repo = scalarText(item.get('repo', true));
    if (repo === undefined || repo === 'local' || repo === 'meta') return;
    const github = GITHUB_REPO.exec(repo);
    const found = foundUnder(doc, item, 'rev', `repos[${index}].rev`, false);
    if (!github) return others.push(`${repo}: not on github.com`);
    if (!found || !isScalar(found.node) || typeof found.node.value !== 'string')
      return others.push(`${repo}: its rev is not a string pinwarden can read`);
    hooks.push({ owner: github[1]!, repo: github[2]!, rev: buildScalarSite(yaml, found) });
  });
  return { ok: true, hooks, others };
}
