// Finds every `uses:` a workflow or action manifest holds, from the YAML AST rather than line
// patterns: flow style, quoted keys, values on the next line, anchors and CRLF all parse the
// same way GitHub parses them, and text inside `run: |` blocks can never be mistaken for a step.
import { isAlias, isMap, isSeq } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import { buildScalarSite, foundUnder, lookup, markSharedLines, resolveNode, scalarText } from '../yaml/scalar-site.js';
import type { FoundValue } from '../yaml/scalar-site.js';
import { parseActionRef } from './parse-action-ref.js';
import type { FileKind, LocateResult, SiteContext, UsesReference, UsesSite } from './types.js';
import { readWorkflowTree } from './workflow-tree.js';
import type { WorkflowTree } from './workflow-tree.js';

interface Walk {
  readonly doc: Document;
  readonly found: Map<number, FoundValue & { readonly context: SiteContext }>;
  /** Step lists already walked: an alias may point back at an enclosing list (`parallel: *s`). */
  readonly visitedSteps: Set<Node>;
}

export interface LocateOptions {
  /** false: always the full parse (the differential tests compare the two paths). */
  readonly fastPath?: boolean;
}

export function locateUsesSites(text: string, kind: FileKind, options: LocateOptions = {}): LocateResult {
  try {
    return locate(text, kind, options.fastPath !== false);
  } catch (error) {
    // One hostile file costs only that file: whatever it does to the walk is its own report.
    return unreadable(error);
  }
}

export function unreadable(error: unknown): { readonly ok: false; readonly error: string } {
  return { ok: false, error: `pinwarden could not read this file: ${(error as Error).message}` };
}

function locate(text: string, kind: FileKind, fastPath: boolean): LocateResult {
  const read = readWorkflowTree(text, { fastPath });
  if (!read.ok) return read;
  return { ok: true, references: read.tree ? usesInTree(kind, read.tree) : [] };
}

/** The `uses:` of a tree read by `readWorkflowTree`, in text order. */
export function usesInTree(kind: FileKind, tree: WorkflowTree): UsesReference[] {
  const { doc, contents } = tree;
  const walk: Walk = { doc, found: new Map(), visitedSteps: new Set() };
  if (kind === 'workflow') visitJobs(walk, contents);
  else
    visitSteps(
      walk,
      lookup(doc, resolveNode(doc, lookup(doc, contents, 'runs')), 'steps'),
      'runs.steps',
      'composite-step',
      false,
    );

  const sites: UsesSite[] = [...walk.found.values()].map((entry) => ({
    ...buildScalarSite(tree.yaml, entry),
    context: entry.context,
  }));
  return markSharedLines(sites)
    .sort((a, b) => a.valueStart - b.valueStart)
    .map((site) => ({
      site,
      ref:
        site.quote === 'block'
          ? { kind: 'invalid', reason: 'a block scalar (`|` or `>`) of several lines holds this `uses`' }
          : parseActionRef(site.value),
    }));
}

function visitJobs(walk: Walk, root: YAMLMap): void {
  const jobs = resolveNode(walk.doc, lookup(walk.doc, root, 'jobs'));
  if (!isMap(jobs)) return;
  for (const pair of jobs.items) {
    const jobId = scalarText(pair.key);
    const job = resolveNode(walk.doc, pair.value as Node | null);
    if (!isMap(job)) continue;
    const viaAlias = isAlias(pair.value);
    recordUses(walk, job, `jobs.${jobId}.uses`, 'job', viaAlias);
    visitSteps(walk, lookup(walk.doc, job, 'steps'), `jobs.${jobId}.steps`, 'step', viaAlias);
  }
}

function visitSteps(walk: Walk, stepsNode: Node | null, path: string, context: SiteContext, viaAlias: boolean): void {
  const steps = resolveNode(walk.doc, stepsNode);
  if (!isSeq(steps) || walk.visitedSteps.has(steps)) return;
  walk.visitedSteps.add(steps);
  const throughAlias = viaAlias || isAlias(stepsNode);
  steps.items.forEach((item, index) => {
    const step = resolveNode(walk.doc, item as Node | null);
    if (!isMap(step)) return;
    const stepViaAlias = throughAlias || isAlias(item);
    recordUses(walk, step, `${path}[${index}].uses`, context, stepViaAlias);
    // `parallel:` groups hold steps of their own (workflow schema `parallel-step`).
    visitSteps(walk, lookup(walk.doc, step, 'parallel'), `${path}[${index}].parallel`, context, stepViaAlias);
  });
}

function recordUses(walk: Walk, map: YAMLMap, path: string, context: SiteContext, viaAlias: boolean): void {
  const found = foundUnder(walk.doc, map, 'uses', path, viaAlias);
  if (!found) return;
  const start = found.node?.range?.[0] ?? found.keyEnd;
  const previous = walk.found.get(start);
  // An anchored step reached again through an alias is one place in the text: edit it once.
  if (previous) {
    walk.found.set(start, { ...previous, viaAlias: true });
    return;
  }
  walk.found.set(start, { ...found, context });
}
