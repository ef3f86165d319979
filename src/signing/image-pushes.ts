// Which jobs of a workflow push a container image, and which of them sign what they push. A push:
// `docker/build-push-action` with `push: true` (or an expression), or a `run:` that pushes
// (`docker push`, `docker buildx build --push`, `ko build|publish|resolve|apply`, jib's
// `jib:build` / `jib` tasks). A job signs when one of its `run:`s says `cosign sign`. The image names
// come from the action's `tags:` (or, when those are a docker/metadata-action output, from that
// step's `images:`); anything the workflow computes at run time is said, not guessed.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import { lookup, resolveNode, scalarText } from '../yaml/scalar-site.js';
import { memoByString } from '../common/string-memo.js';

export type PushKind = 'build-push-action' | 'docker push' | 'buildx --push' | 'ko' | 'jib';

export interface ImagePush {
  readonly job: string;
  /** 1-based line of the push step. */
  readonly line: number;
  readonly stepIndex: number;
  readonly kind: PushKind;
  /** `registry/name` of each image pushed, when the workflow names them plainly. */
  readonly images: readonly string[];
  /** Why the images are not known (a tag computed at run time). */
  readonly unresolved?: string;
  /** The step's `id:`, when it has one. */
  readonly stepId?: string;
  /** The ids every step of the job has (a new id must be none of them). */
  readonly jobStepIds: readonly string[];
  /** `push:` as written when it is an expression: the signing steps run under the same condition. */
  readonly pushCondition?: string;
  /** The job already runs `cosign sign`. */
  readonly signed: boolean;
}

export interface WorkflowPushes {
  readonly pushes: readonly ImagePush[];
  /** Jobs that run `cosign sign`, with the images they push (for the cluster's signature policy). */
  readonly signingJobs: readonly { readonly job: string; readonly images: readonly string[] }[];
}

const COSIGN_SIGN = /\bcosign\s+sign(?!-)\b/;
const RUN_PUSHES: readonly [RegExp, PushKind][] = [
  [/\bdocker\s+(?:image\s+)?push\b/, 'docker push'],
  [/\bdocker\s+buildx\s+build\b[^\n]*--push\b/, 'buildx --push'],
  [/\bko\s+(?:build|publish|resolve|apply)\b/, 'ko'],
  [/\bjib:build\b|\bgradlew?\s+[^\n]*\bjib\b/, 'jib'],
];

/**
 * Whether a workflow's text could push or sign at all: each pattern a push or a signing needs,
 * looser, on the raw text (whitespace between words may be a folded line; comments only add
 * matches). Most workflows say none of these, and this spares them a parse (at 10,000
 * repositories the parse was a quarter of the main thread). A word spelled with YAML escapes
 * (`"docker \x70ush"`) is missed: it costs a signing proposal, nothing more.
 */
export function mayPushOrSign(text: string): boolean {
  return MAY_PUSH_OR_SIGN.test(text);
}

const MAY_PUSH_OR_SIGN =
  /build-push-action|\bdocker\s+(?:image\s+)?push\b|--push\b|\bko\s+(?:build|publish|resolve|apply)\b|jib|\bcosign\s+sign/i;

const NONE: WorkflowPushes = { pushes: [], signingJobs: [] };

/**
 * The pushes of a workflow's text; a text that does not parse has none. `fastPath: false` parses
 * even a text `mayPushOrSign` rules out (the corpus test holds the shortcut to the full read).
 */
export function readImagePushes(text: string, options: { readonly fastPath?: boolean } = {}): WorkflowPushes {
  if (options.fastPath === false) return parsePushes(text);
  return mayPushOrSign(text) ? rememberedPushes(text) : NONE;
}

/**
 * Each workflow text that may push read once: the repositories of an organisation share workflow
 * templates, and pinned alike they are the same text again (at 10,000 repositories their parses
 * were ~10 % of what the App's thread allocated). Up to 256 texts of up to 32 K characters: 16 MB
 * at the very most.
 */
const rememberedPushes = memoByString((text) => parsePushes(text), 256, 32_768);

function parsePushes(text: string): WorkflowPushes {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return NONE;
  const jobs = lookup(doc, doc.contents, 'jobs');
  if (!isMap(jobs)) return NONE;
  const pushes: ImagePush[] = [];
  const signingJobs: { job: string; images: string[] }[] = [];
  for (const pair of jobs.items) {
    const job = scalarText(pair.key);
    const body = resolveNode(doc, pair.value as Node | null);
    if (!job || !isMap(body)) continue;
    const steps = resolveNode(doc, lookup(doc, body, 'steps'));
    if (!isSeq(steps)) continue;
    const stepMaps = steps.items.map((item) => resolveNode(doc, item as Node)).filter((item) => isMap(item));
    const signed = stepMaps.some((step) => COSIGN_SIGN.test(scalarText(lookup(doc, step, 'run')) ?? ''));
    const jobStepIds = stepMaps.flatMap((step) => scalarText(lookup(doc, step, 'id')) ?? []);
    const found = stepMaps.flatMap((step, index) =>
      pushOf(doc, text, { job, steps: stepMaps, signed, jobStepIds }, step, index),
    );
    pushes.push(...found);
    if (signed) signingJobs.push({ job, images: [...new Set(found.flatMap((push) => push.images))] });
  }
  return { pushes, signingJobs };
}

function pushOf(
  doc: Document,
  text: string,
  inJob: { job: string; steps: readonly YAMLMap[]; signed: boolean; jobStepIds: readonly string[] },
  step: YAMLMap,
  index: number,
): ImagePush[] {
  const { job, steps, signed, jobStepIds } = inJob;
  const line = lineOf(text, step.range?.[0] ?? 0);
  const stepId = scalarText(lookup(doc, step, 'id'));
  const base = { job, line, stepIndex: index, signed, jobStepIds, ...(stepId ? { stepId } : {}) };
  const uses = scalarText(lookup(doc, step, 'uses')) ?? '';
  if (/^docker\/build-push-action@/i.test(uses)) {
    const inputs = resolveNode(doc, lookup(doc, step, 'with'));
    const push = isMap(inputs) ? lookup(doc, inputs, 'push') : null;
    const pushText = isScalar(push) ? String(push.value) : undefined;
    if (!pushText || pushText === 'false') return [];
    const tags = isMap(inputs) ? listOf(scalarText(lookup(doc, inputs, 'tags'))) : [];
    const named = imagesFromTags(doc, tags, steps);
    return [
      {
        ...base,
        kind: 'build-push-action',
        images: named.images,
        ...(named.unresolved ? { unresolved: named.unresolved } : {}),
        ...(pushText !== 'true' ? { pushCondition: pushText } : {}),
      },
    ];
  }
  const run = scalarText(lookup(doc, step, 'run'));
  if (!run) return [];
  const kind = RUN_PUSHES.find(([pattern]) => pattern.test(run))?.[1];
  return kind ? [{ ...base, kind, images: [], unresolved: `the digest \`${kind}\` pushes is not a step output` }] : [];
}

/** `tags:` of build-push-action → image names; a metadata-action output → that step's `images:`. */
function imagesFromTags(
  doc: Document,
  tags: readonly string[],
  steps: readonly YAMLMap[],
): { images: string[]; unresolved?: string } {
  const images = new Set<string>();
  for (const tag of tags) {
    const output = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$/.exec(tag);
    if (output) {
      const meta = steps.find((step) => scalarText(lookup(doc, step, 'id')) === output[1]);
      const metaInputs = meta ? resolveNode(doc, lookup(doc, meta, 'with')) : null;
      // metadata-action's `images:`: one a line, each `name` or `name=…,enable=…` (its attributes after commas).
      const named = (isMap(metaInputs) ? (scalarText(lookup(doc, metaInputs, 'images')) ?? '') : '')
        .split('\n')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '' && !entry.startsWith('#'));
      if (named.length === 0) return { images: [], unresolved: `its tags come from \`${tag}\`, which names no images` };
      for (const entry of named) {
        const first = entry.split(',')[0]!.trim();
        const name = first.startsWith('name=') ? first.slice('name='.length) : first;
        if (name.includes('${{')) return { images: [], unresolved: `an image name is computed at run time (${name})` };
        images.add(withoutTag(name.trim()));
      }
      continue;
    }
    // An expression in the tag alone (`app:${{ github.ref_name }}`) leaves the name known.
    const name = withoutTag(tag);
    if (name.includes('${{')) return { images: [], unresolved: `an image name is computed at run time (${tag})` };
    images.add(name);
  }
  return images.size > 0 ? { images: [...images] } : { images: [], unresolved: 'it names no tags' };
}

/** A list input as GitHub Actions toolkits read it: one item a line or comma. */
function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}

function withoutTag(reference: string): string {
  const slash = reference.lastIndexOf('/');
  const colon = reference.indexOf(':', slash + 1);
  return (colon === -1 ? reference : reference.slice(0, colon)).toLowerCase();
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}
