// Cosign's keyless signing for a job that pushes an image with docker/build-push-action and does
// not sign it: after the push step, the cosign installer (pinned by commit) and
// `cosign sign --yes <image>@<the step's digest output>`; `id-token: write` on that job alone; an
// `id:` on the push step when it has none. Spliced into the text (every other byte kept), then the
// result is parsed and compared with the original plus exactly those changes; anything that cannot
// be written that way (a flow-style job, permissions the job would lose) is said with the reason.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import { lookup, resolveNode, scalarText } from '../yaml/scalar-site.js';
import type { ImagePush } from './image-pushes.js';

export type SigningEdit =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

const IMAGE_NAME =
  /^[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$|^[a-z0-9]+(?:[._-]+[a-z0-9]+)*$/;
const STEP_ID = /^[A-Za-z_][\w-]*$/;

/** The two steps, as YAML lines at `dash`/`key` indentation (the pull request shows them at 6/8). */
export function signingStepLines(
  push: Pick<ImagePush, 'images' | 'pushCondition'>,
  installerUses: string,
  stepId: string,
  indent: { readonly dash: string; readonly key: string } = { dash: '      ', key: '        ' },
): string[] {
  const condition = push.pushCondition ? [`${indent.key}if: ${JSON.stringify(push.pushCondition)}`] : [];
  return [
    `${indent.dash}- name: Install cosign`,
    ...condition,
    `${indent.key}uses: ${installerUses}`,
    `${indent.dash}- name: Sign the pushed image by its digest (keyless, this job's OIDC token)`,
    ...condition,
    `${indent.key}env:`,
    `${indent.key}  DIGEST: \${{ steps.${stepId}.outputs.digest }}`,
    `${indent.key}run: |`,
    ...push.images.map((image) => `${indent.key}  cosign sign --yes "${image}@\${DIGEST}"`),
  ];
}

/**
 * The job's text with the signing steps after `push`'s step, or why that cannot be written.
 * `newStepId`: the id to give a push step without one (its job's first free `image`, `image-2`, … by default).
 */
export function addSigningSteps(text: string, push: ImagePush, installerUses: string, newStepId?: string): SigningEdit {
  const cannot = cannotSign(push);
  if (cannot) return { ok: false, reason: cannot };
  if (push.signed) return { ok: false, reason: 'the job already signs' };
  const odd = push.images.find((image) => !IMAGE_NAME.test(image));
  if (odd) return { ok: false, reason: `\`${odd}\` is not an image name pinwarden writes into a command` };
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return { ok: false, reason: 'the workflow does not parse' };
  const job = resolveNode(doc, lookup(doc, lookup(doc, doc.contents, 'jobs'), push.job));
  const steps = isMap(job) ? resolveNode(doc, lookup(doc, job, 'steps')) : null;
  const step = isSeq(steps) ? resolveNode(doc, steps.items[push.stepIndex] as Node) : null;
  if (!isMap(job) || !isSeq(steps) || !isMap(step) || job.flow || steps.flow || step.flow || !step.range)
    return { ok: false, reason: 'the job is not written in block style' };
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = stepIndent(text, step.range[0]);
  if (!indent) return { ok: false, reason: 'its steps are laid out in a way pinwarden does not edit' };
  const taken = takenIds(doc, steps.items);
  const stepId = push.stepId ?? newStepId ?? freshId(taken);
  if (!push.stepId && taken.has(stepId)) return { ok: false, reason: `the step id \`${stepId}\` is taken` };
  if (!STEP_ID.test(stepId))
    return { ok: false, reason: `its step id \`${stepId}\` cannot be read back in an expression` };
  const permissions = permissionEdit(doc, text, job, newline);
  if (typeof permissions === 'string') return { ok: false, reason: permissions };

  const edits: { at: number; end?: number; text: string }[] = [];
  if (!push.stepId) edits.push({ at: step.range[0], text: `id: ${stepId}${newline}${indent.key}` });
  const afterStep = lineEndAfter(text, step.range[1]);
  const lines = signingStepLines(push, installerUses, stepId, indent);
  edits.push({ at: afterStep.at, text: `${afterStep.needsNewline ? newline : ''}${lines.join(newline)}${newline}` });
  if (permissions) edits.push(permissions);
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.at - a.at))
    result = result.slice(0, edit.at) + edit.text + result.slice(edit.end ?? edit.at);
  return verify(text, result, push, stepId, installerUses)
    ? { ok: true, text: result }
    : { ok: false, reason: 'the edited workflow did not read back as the original plus the signing steps' };
}

function stepIndent(text: string, start: number): { dash: string; key: string } | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const match = /^( *)- +$/.exec(text.slice(lineStart, start));
  return match ? { dash: match[1]!, key: ' '.repeat(start - lineStart) } : undefined;
}

/** Where the step's last line ends (a block scalar's value already ends with its newline). */
function lineEndAfter(text: string, valueEnd: number): { at: number; needsNewline: boolean } {
  if (valueEnd > 0 && text[valueEnd - 1] === '\n') return { at: valueEnd, needsNewline: false };
  const newline = text.indexOf('\n', valueEnd);
  return newline === -1 ? { at: text.length, needsNewline: true } : { at: newline + 1, needsNewline: false };
}

/**
 * The id the push step has, or the one the edit gives it: the first `image`, `image-2`, … its job
 * does not use, nor `alsoTaken` (ids this plan gives other steps of the job).
 */
export function pushStepId(push: ImagePush, alsoTaken: ReadonlySet<string> = new Set()): string {
  return push.stepId ?? freshId(new Set([...push.jobStepIds, ...alsoTaken]));
}

/** Why a push cannot get the steps whatever its workflow's layout, or undefined. */
export function cannotSign(push: Pick<ImagePush, 'kind' | 'images' | 'unresolved'>): string | undefined {
  if (push.kind !== 'build-push-action') return `the digest \`${push.kind}\` pushes is not a step output`;
  if (push.images.length === 0) return push.unresolved ?? 'it names no image';
  return undefined;
}

function takenIds(doc: Document, items: readonly unknown[]): Set<string> {
  return new Set(
    items.flatMap((item) => {
      const id = scalarText(lookup(doc, resolveNode(doc, item as Node), 'id'));
      return id ? [id] : [];
    }),
  );
}

function freshId(taken: ReadonlySet<string>): string {
  for (let n = 1; ; n += 1) {
    const id = n === 1 ? 'image' : `image-${n}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * `id-token: write` for this job: added to its `permissions:` map, or a job-level map copying the
 * workflow's (a job's `permissions:` replaces the workflow's, so nothing it had is lost); none
 * needed under `write-all`. A string says why it cannot be written.
 */
function permissionEdit(
  doc: Document,
  text: string,
  job: YAMLMap,
  newline: string,
): { at: number; end?: number; text: string } | undefined | string {
  const own = resolveNode(doc, lookup(doc, job, 'permissions'));
  if (own) return addIdToken(doc, text, own, newline, 'the job');
  const top = resolveNode(doc, lookup(doc, doc.contents, 'permissions'));
  if (!top)
    return "the job runs with the repository's default token permissions, which a `permissions:` block would replace: add `id-token: write` to the permissions it needs";
  if (isScalar(top) && top.value === 'write-all') return undefined;
  if (!isMap(top) || top.flow || top.items.some((pair) => !isScalar(pair.value) || scalarText(pair.key) === undefined))
    return `the workflow's \`permissions:\` is not a map pinwarden can copy to the job`;
  const keyStart = job.range![0];
  const jobIndent = ' '.repeat(keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1));
  const entries = top.items
    .filter((pair) => scalarText(pair.key) !== 'id-token')
    .map((pair) => `${jobIndent}  ${scalarText(pair.key)}: ${scalarText(pair.value)}`);
  return {
    at: keyStart,
    text: ['permissions:', ...entries, `${jobIndent}  id-token: write`].join(newline) + newline + jobIndent,
  };
}

function addIdToken(
  doc: Document,
  text: string,
  permissions: Node,
  newline: string,
  whose: string,
): { at: number; end?: number; text: string } | undefined | string {
  if (isScalar(permissions))
    return permissions.value === 'write-all'
      ? undefined
      : `${whose}'s permissions are \`${String(permissions.value)}\`, which leaves no room for \`id-token: write\``;
  if (!isMap(permissions) || permissions.flow || !permissions.range || permissions.items.length === 0)
    return `${whose}'s \`permissions:\` is not a block map pinwarden can add to`;
  const existing = permissions.items.find((pair) => scalarText(pair.key) === 'id-token');
  if (existing) {
    if (scalarText(existing.value) === 'write') return undefined;
    const range = (existing.value as Node | null)?.range;
    if (!range || !isScalar(existing.value)) return `${whose}'s \`id-token\` permission is not a plain value`;
    return { at: range[0], end: range[1], text: 'write' };
  }
  const firstKey = (permissions.items[0]!.key as Node).range![0];
  const keyIndent = ' '.repeat(firstKey - (text.lastIndexOf('\n', firstKey - 1) + 1));
  const end = lineEndAfter(text, permissions.range[1]);
  return { at: end.at, text: `${end.needsNewline ? newline : ''}${keyIndent}id-token: write${newline}` };
}

/** The edited text means the original plus exactly the planned change. */
function verify(before: string, after: string, push: ImagePush, stepId: string, installerUses: string): boolean {
  const old = parseDocument(before, { uniqueKeys: false });
  const now = parseDocument(after, { uniqueKeys: false });
  if (now.errors.length > 0) return false;
  const expected = old.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const jobs = expected.jobs as Record<string, Record<string, unknown>>;
  const job = jobs[push.job]!;
  const steps = job.steps as Record<string, unknown>[];
  steps[push.stepIndex] = { ...steps[push.stepIndex], id: stepId };
  const lines = signingStepLines(push, installerUses, stepId).map((line) => line.slice(6));
  steps.splice(push.stepIndex + 1, 0, ...(parseDocument(lines.join('\n')).toJS() as Record<string, unknown>[]));
  const permissions = job.permissions ?? expected.permissions;
  if (permissions !== 'write-all') job.permissions = { ...(permissions as object), 'id-token': 'write' };
  return isDeepStrictEqual(now.toJS({ maxAliasCount: 100 }), expected);
}
