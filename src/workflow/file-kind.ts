// Which files pinwarden reads: workflows directly under .github/workflows (GitHub runs no
// others) and action manifests anywhere (composite actions can live in any folder).
import type { FileKind } from './types.js';

const WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const ACTION = /(?:^|\/)action\.ya?ml$/;

/** Kind of a repository-relative path with `/` separators, or undefined when it is not ours. */
export function fileKindOf(path: string): FileKind | undefined {
  if (WORKFLOW.test(path)) return 'workflow';
  if (ACTION.test(path)) return 'action';
  return undefined;
}
