// Classifies a `uses:` value the way the Actions runner reads it: `owner/repo[/path]@ref`,
// `./local`, `docker://image`, or something the runner would reject.
import { isFullSha } from '../common/commit-sha.js';
import { foldLiteralExpressions } from './fold-expressions.js';
import type { ActionRef, RefKind, RemoteRef } from './types.js';

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SHORT_SHA = /^[0-9a-f]{7,39}$/;
const VERSION_TAG = /^v?\d+(?:\.\d+){0,2}$/;
const REUSABLE_WORKFLOW_PATH = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const DOCKER_DIGEST = /@(sha256:[0-9a-f]{64})$/;

export function classifyRefName(ref: string): RefKind {
  if (isFullSha(ref)) return 'full-sha';
  if (SHORT_SHA.test(ref)) return 'short-sha';
  if (VERSION_TAG.test(ref)) return 'version-tag';
  return 'other';
}

export function parseActionRef(raw: string): ActionRef {
  const folded = foldLiteralExpressions(raw);
  if (!folded.ok) return { kind: 'invalid', reason: folded.reason };
  const value = folded.value;
  if (value.trim() !== value || value === '')
    return { kind: 'invalid', reason: 'empty value or surrounding white space' };
  // `$/path` names a file of the same repository at the same commit, as `./path` does.
  if (value.startsWith('./') || value.startsWith('.\\') || value.startsWith('$/'))
    return { kind: 'local', path: value };
  if (value.startsWith('docker://')) {
    const digest = DOCKER_DIGEST.exec(value)?.[1];
    return { kind: 'docker', image: value.slice('docker://'.length), digest };
  }
  const at = value.lastIndexOf('@');
  if (at < 0) return { kind: 'invalid', reason: 'missing `@ref` (a remote action needs a version, branch or commit)' };
  const ref = value.slice(at + 1);
  const name = value.slice(0, at);
  if (ref === '') return { kind: 'invalid', reason: 'empty ref after `@`' };
  if (/\s/.test(ref)) return { kind: 'invalid', reason: 'white space in the ref' };
  const [owner = '', repo = '', ...rest] = name.split('/');
  if (!OWNER.test(owner)) return { kind: 'invalid', reason: `not a GitHub owner name: "${owner}"` };
  if (!REPO.test(repo) || repo === '.' || repo === '..')
    return { kind: 'invalid', reason: `not a GitHub repository name: "${repo}"` };
  if (rest.some((segment) => segment === '' || segment === '..'))
    return { kind: 'invalid', reason: 'empty or `..` path segment' };
  const path = rest.length > 0 ? rest.join('/') : undefined;
  const refKind = classifyRefName(ref);
  if (path !== undefined && REUSABLE_WORKFLOW_PATH.test(path)) {
    return { kind: 'reusable-workflow', owner, repo, path, ref, refKind };
  }
  return { kind: 'action', owner, repo, path, ref, refKind };
}

export function isRemoteRef(ref: ActionRef): ref is RemoteRef {
  return ref.kind === 'action' || ref.kind === 'reusable-workflow';
}

/** The text GitHub needs to run the same code: `owner/repo[/path]@newRef`. */
export function formatRemoteRef(ref: RemoteRef, newRef: string): string {
  const path = ref.path === undefined ? '' : `/${ref.path}`;
  return `${ref.owner}/${ref.repo}${path}@${newRef}`;
}

/** The repository a remote ref is resolved in (sub-path actions live in their repository). */
export function repositoryOf(ref: RemoteRef): string {
  return `${ref.owner}/${ref.repo}`;
}
