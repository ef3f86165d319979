// A workflow or action manifest parsed once into the tree every reader of it walks: the `uses:`
// walk and the image walk (job containers, services, a Docker action's `runs.image`) share it.
// Most files take the fast path (yaml/plain-tree.ts); anything outside its subset is parsed in
// full, and the full parse's errors are the file's report.
import { LineCounter, isMap, parseDocument } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import { MAX_NESTING, describeYamlError, nestedTooDeeply } from '../common/yaml-error.js';
import { scanScalars } from '../yaml/scalar-site.js';
import type { YamlText } from '../yaml/scalar-site.js';
import { plainTree } from '../yaml/plain-tree.js';
import type { PlainTreeOptions } from '../yaml/plain-tree.js';
import { isYamlGitHubAccepts } from './github-tolerated-yaml.js';

export interface WorkflowTree {
  readonly doc: Document;
  readonly contents: YAMLMap;
  readonly yaml: YamlText;
}

/** `tree` is undefined for an empty document (nothing in it to read). */
export type ReadWorkflowTree =
  { readonly ok: true; readonly tree: WorkflowTree | undefined } | { readonly ok: false; readonly error: string };

/**
 * What the walks read as scalars: `uses` always; `image`, `container` (a string or a map holding
 * `image`), an action's `using`, and a service written as its image alone, when they are scalars.
 * Every other scalar is checked by the fast path but not built.
 */
export const WORKFLOW_READ_KEYS: PlainTreeOptions = {
  stringKeys: new Set(['uses']),
  scalarKeys: new Set(['image', 'container', 'using']),
  scalarChildrenOf: new Set(['services']),
};

/** May throw on hostile input (the callers turn that into the file's report). */
export function readWorkflowTree(text: string, options: { readonly fastPath?: boolean } = {}): ReadWorkflowTree {
  const plain = options.fastPath === false ? undefined : plainTree(text, WORKFLOW_READ_KEYS);
  if (plain)
    return {
      ok: true,
      tree: { doc: plain.doc, contents: plain.contents, yaml: { text, lines: plain.lines, scalarSpans: plain.spans } },
    };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    if (problem.code === 'MULTIPLE_DOCS')
      return {
        ok: false,
        error: `several YAML documents in one file (the second starts at line ${problem.linePos?.[0].line ?? '?'}); a workflow or action manifest is one document`,
      };
    const message = describeYamlError(problem.message);
    return {
      ok: false,
      error: isYamlGitHubAccepts(text) ? `YAML GitHub accepts but pinwarden cannot read: ${message}` : message,
    };
  }
  if (doc.contents === null) return { ok: true, tree: undefined };
  if (!isMap(doc.contents)) return { ok: false, error: 'the document is not a mapping' };
  const shape = scanScalars([doc.contents]);
  if (shape.depth > MAX_NESTING) return { ok: false, error: nestedTooDeeply() };
  return { ok: true, tree: { doc, contents: doc.contents, yaml: { text, lines, scalarSpans: shape.spans } } };
}
