// Finds the images a YAML file names, by parsed position: a workflow's job containers and
// service containers, a Docker action's `runs.image`, compose services, every container list of
// a Kubernetes pod template (init and ephemeral containers too), a Helm chart's `image:` values
// and `{registry, repository, tag}` maps, kustomize's `images:`. Text inside `run: |` blocks,
// comments and unrelated keys is never read as an image.
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { MAX_NESTING, describeYamlError, nestedTooDeeply } from '../common/yaml-error.js';
import type { UsesReference } from '../workflow/types.js';
import type { WorkflowTree } from '../workflow/workflow-tree.js';
import {
  buildScalarSite,
  endOfLine,
  findPair,
  foundUnder,
  lookup,
  markSharedLines,
  resolveNode,
  scalarText,
  scanScalars,
} from '../yaml/scalar-site.js';
import type { FoundValue, ScalarSite, YamlText } from '../yaml/scalar-site.js';
import { classifyImage } from './classify-image.js';
import { locateDockerfileImages } from './locate-dockerfile-images.js';
import type { ImageEdit, ImageFileKind, ImageSite, ImageSiteKind, LocateImagesResult, LocatedImage } from './types.js';
import { escapeRegExp } from '../common/escape-regexp.js';

export interface YamlImageContext {
  /** The file's `uses:` references, already located: `docker://` steps are images too. */
  readonly uses?: readonly UsesReference[];
  /** A chart's templates: a `digest` is written into a values map only where they read it. */
  readonly helmTemplates?: readonly string[];
  /** The chart's `appVersion` (Chart.yaml): the tag of an image map that names none. */
  readonly appVersion?: string;
}

/** A workload kind → where its pod spec is. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

type Found =
  | {
      readonly shape: 'scalar';
      readonly kind: ImageSiteKind;
      readonly found: FoundValue;
      readonly prefix: string;
      readonly document: number;
      /** Not an image to pin, and why (compose's `image:` beside `build:` names what is built). */
      readonly notImage?: string;
    }
  | {
      /** A Dockerfile written in the YAML (compose's `build.dockerfile_inline`). */
      readonly shape: 'dockerfile';
      readonly found: FoundValue;
      readonly document: number;
    }
  | {
      readonly shape: 'parts';
      readonly kind: ImageSiteKind;
      readonly map: YAMLMap;
      readonly path: string;
      readonly document: number;
    };

interface Walk {
  readonly doc: Document;
  readonly document: number;
  readonly found: Found[];
}

export function locateYamlImages(
  text: string,
  kind: Exclude<ImageFileKind, 'dockerfile'>,
  context: YamlImageContext = {},
): LocateImagesResult {
  try {
    return locate(text, kind, context);
  } catch (error) {
    return { ok: false, error: `pinwarden could not read this file: ${(error as Error).message}` };
  }
}

function locate(
  text: string,
  kind: Exclude<ImageFileKind, 'dockerfile'>,
  context: YamlImageContext,
): LocateImagesResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const problem = list.flatMap((doc) => doc.errors)[0];
  if (problem) return { ok: false, error: describeYamlError(problem.message) };
  if (list.length > 1 && kind !== 'kubernetes')
    return {
      ok: false,
      error: `several YAML documents in one file; a ${kind === 'helm-values' ? 'values file' : kind} file is one document`,
    };
  const shape = scanScalars(list.map((doc) => doc.contents));
  if (shape.depth > MAX_NESTING) return { ok: false, error: nestedTooDeeply() };

  const found: Found[] = [];
  list.forEach((doc, document) => {
    const walk: Walk = { doc, document, found };
    const root = resolveNode(doc, doc.contents as Node | null);
    if (!isMap(root)) return;
    VISITORS[kind](walk, root);
  });
  const yaml: YamlText = { text, lines, scalarSpans: shape.spans };
  return { ok: true, images: withDockerSteps(toImages(yaml, list, found, context), context.uses ?? []) };
}

/**
 * The images a workflow's or action's YAML names (job containers, services, a Docker action's
 * `runs.image`), from the tree its `uses:` were located on: the file is not parsed again. The
 * `docker://` steps are the caller's, read off the `uses:` (`withDockerSteps`).
 */
export function imagesInWorkflowTree(kind: 'workflow' | 'action', tree: WorkflowTree): LocatedImage[] {
  const found: Found[] = [];
  VISITORS[kind]({ doc: tree.doc, document: 0, found }, tree.contents);
  return toImages(tree.yaml, [tree.doc], found, {});
}

/** A workflow's images in text order: its YAML's and its `uses: docker://…` steps. */
export function withDockerSteps(images: readonly LocatedImage[], uses: readonly UsesReference[]): LocatedImage[] {
  return [...dockerSteps(uses), ...images].sort(byPosition);
}

function byPosition(a: LocatedImage, b: LocatedImage): number {
  return a.site.line - b.site.line || a.site.column - b.site.column;
}

const VISITORS: Record<Exclude<ImageFileKind, 'dockerfile'>, (walk: Walk, root: YAMLMap) => void> = {
  workflow: visitWorkflow,
  action: visitAction,
  compose: visitCompose,
  kubernetes: visitKubernetesObject,
  'helm-values': (walk, root) => visitHelmValues(walk, root, ''),
  kustomization: visitKustomization,
};

/**
 * A compose service pulls its `image:`, unless it builds it: with `build:`, `image:` names the
 * image the build produces, and a digest there breaks `docker compose build`. A build's
 * `dockerfile_inline` is a Dockerfile: its FROM lines are read as any Dockerfile's.
 */
function visitCompose(walk: Walk, root: YAMLMap): void {
  eachEntry(walk, lookup(walk.doc, root, 'services'), (service, id) => {
    const build = resolveNode(walk.doc, lookup(walk.doc, service, 'build'));
    const built = build !== null && build !== undefined && !(isScalar(build) && build.value === null);
    scalar(walk, service, 'image', `services.${id}.image`, 'compose-service', built ? BUILT_IMAGE : undefined);
    if (!isMap(build)) return;
    const found = foundUnder(walk.doc, build, 'dockerfile_inline', `services.${id}.build.dockerfile_inline`, false);
    if (found && isScalar(found.node)) walk.found.push({ shape: 'dockerfile', found, document: walk.document });
  });
}

const BUILT_IMAGE =
  'the service builds this image (`build:`): `image:` names what the build produces, and a digest there would break `docker compose build`';

function visitWorkflow(walk: Walk, root: YAMLMap): void {
  eachEntry(walk, lookup(walk.doc, root, 'jobs'), (job, jobId) => {
    const container = resolveNode(walk.doc, lookup(walk.doc, job, 'container'));
    if (isMap(container)) scalar(walk, container, 'image', `jobs.${jobId}.container.image`, 'job-container');
    else scalar(walk, job, 'container', `jobs.${jobId}.container`, 'job-container');
    const services = resolveNode(walk.doc, lookup(walk.doc, job, 'services'));
    if (!isMap(services)) return;
    for (const pair of services.items) {
      const id = scalarText(pair.key) ?? '?';
      const service = resolveNode(walk.doc, pair.value as Node | null);
      if (isMap(service)) scalar(walk, service, 'image', `jobs.${jobId}.services.${id}.image`, 'service');
      // GitHub's schema takes a service written as its image alone (`postgres: postgres:16`).
      else if (isScalar(service) && typeof service.value === 'string' && id !== '?')
        scalar(walk, services, id, `jobs.${jobId}.services.${id}`, 'service');
    }
  });
}

/** A Docker action runs `runs.image`: `docker://…` is an image; anything else is its own Dockerfile. */
function visitAction(walk: Walk, root: YAMLMap): void {
  const runs = resolveNode(walk.doc, lookup(walk.doc, root, 'runs'));
  if (!isMap(runs) || scalarText(resolveNode(walk.doc, lookup(walk.doc, runs, 'using'))) !== 'docker') return;
  scalar(walk, runs, 'image', 'runs.image', 'docker-action');
}

function visitKubernetesObject(walk: Walk, object: YAMLMap, path = ''): void {
  const kind = scalarText(resolveNode(walk.doc, lookup(walk.doc, object, 'kind')));
  if (scalarText(resolveNode(walk.doc, lookup(walk.doc, object, 'apiVersion'))) === undefined || kind === undefined)
    return;
  if (kind === 'List' || kind.endsWith('List')) {
    const items = resolveNode(walk.doc, lookup(walk.doc, object, 'items'));
    if (isSeq(items))
      items.items.forEach((item, index) => {
        const resolved = resolveNode(walk.doc, item as Node | null);
        if (isMap(resolved)) visitKubernetesObject(walk, resolved, `${path}items[${index}].`);
      });
    return;
  }
  const specPath = POD_SPEC_PATHS[kind];
  if (!specPath) return;
  let spec: Node | null = object;
  for (const key of specPath) spec = resolveNode(walk.doc, lookup(walk.doc, spec, key));
  if (!isMap(spec)) return;
  for (const list of CONTAINER_LISTS) {
    const containers = resolveNode(walk.doc, lookup(walk.doc, spec, list));
    if (!isSeq(containers)) continue;
    containers.items.forEach((item, index) => {
      const container = resolveNode(walk.doc, item as Node | null);
      if (isMap(container))
        scalar(walk, container, 'image', `${path}${specPath.join('.')}.${list}[${index}].image`, 'pod-container');
    });
  } // Image volumes: the kubelet pulls `volumes[].image.reference` as it pulls a container's image.
  const volumes = resolveNode(walk.doc, lookup(walk.doc, spec, 'volumes'));
  if (isSeq(volumes))
    volumes.items.forEach((item, index) => {
      const image = resolveNode(walk.doc, lookup(walk.doc, resolveNode(walk.doc, item as Node | null), 'image'));
      if (isMap(image))
        scalar(
          walk,
          image,
          'reference',
          `${path}${specPath.join('.')}.volumes[${index}].image.reference`,
          'pod-volume',
        );
    });
}

/**
 * Helm values: any key ending in `image` holding a string (`image: nginx:1.25`), and any map with
 * a `repository` key (`{registry, repository, tag, digest}`, the shape charts template from).
 */
function visitHelmValues(walk: Walk, root: YAMLMap, prefix: string): void {
  const pending: [YAMLMap, string][] = [[root, prefix]];
  const seen = new Set<Node>();
  while (pending.length > 0) {
    const [map, path] = pending.pop()!;
    if (seen.has(map)) continue;
    seen.add(map);
    if (isPartsMap(walk, map)) {
      walk.found.push({ shape: 'parts', kind: 'helm-image', map, path: path || '(root)', document: walk.document });
      continue;
    }
    for (const pair of map.items) {
      const key = scalarText(pair.key);
      if (key === undefined) continue;
      const value = resolveNode(walk.doc, pair.value as Node | null);
      const here = path ? `${path}.${key}` : key;
      if (isScalar(value) && /image$/i.test(key) && typeof value.value === 'string' && value.value.trim() !== '')
        scalar(walk, map, key, here, 'helm-image');
      else if (isMap(value)) pending.push([value, here]);
      else if (isSeq(value))
        value.items.forEach((item, index) => {
          const resolved = resolveNode(walk.doc, item as Node | null);
          if (isMap(resolved)) pending.push([resolved, `${here}[${index}]`]);
        });
    }
  }
}

function isPartsMap(walk: Walk, map: YAMLMap): boolean {
  const repository = resolveNode(walk.doc, lookup(walk.doc, map, 'repository'));
  return isScalar(repository) && typeof repository.value === 'string';
}

function visitKustomization(walk: Walk, root: YAMLMap): void {
  const images = resolveNode(walk.doc, lookup(walk.doc, root, 'images'));
  if (!isSeq(images)) return;
  images.items.forEach((item, index) => {
    const entry = resolveNode(walk.doc, item as Node | null);
    if (isMap(entry))
      walk.found.push({
        shape: 'parts',
        kind: 'kustomize-image',
        map: entry,
        path: `images[${index}]`,
        document: walk.document,
      });
  });
}

function eachEntry(walk: Walk, node: Node | null, visit: (map: YAMLMap, id: string) => void): void {
  const map = resolveNode(walk.doc, node);
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const value = resolveNode(walk.doc, pair.value as Node | null);
    if (isMap(value)) visit(value, scalarText(pair.key) ?? '?');
  }
}

function scalar(walk: Walk, map: YAMLMap, key: string, path: string, kind: ImageSiteKind, notImage?: string): void {
  const found = foundUnder(walk.doc, map, key, path, false);
  if (found && isScalar(found.node))
    walk.found.push({
      shape: 'scalar',
      kind,
      found,
      prefix: '',
      document: walk.document,
      ...(notImage ? { notImage } : {}),
    });
}

function toImages(
  yaml: YamlText,
  docs: readonly Document[],
  found: readonly Found[],
  context: YamlImageContext,
): LocatedImage[] {
  // An anchored value reached again through an alias is one place in the text.
  const unique = new Map<number, Found>();
  for (const entry of found) {
    const start =
      entry.shape === 'parts' ? (entry.map.range?.[0] ?? 0) : (entry.found.node?.range?.[0] ?? entry.found.keyEnd);
    if (!unique.has(start)) unique.set(start, entry);
  }
  const scalars = markSharedLines(
    [...unique.values()].flatMap((entry) =>
      entry.shape === 'scalar' ? [{ ...buildScalarSite(yaml, entry.found), entry }] : [],
    ),
  );
  const fromScalars = scalars.map(({ entry, ...site }) =>
    entry.notImage
      ? {
          status: 'not-image' as const,
          site: scalarImage(site, entry.kind, entry.document, '').site,
          why: entry.notImage,
        }
      : scalarImage(site, entry.kind, entry.document, ''),
  );
  const fromParts = [...unique.values()].flatMap((entry) =>
    entry.shape === 'parts' ? [partsImage(yaml, docs[entry.document]!, entry, context)] : [],
  );
  const fromDockerfiles = [...unique.values()].flatMap((entry) =>
    entry.shape === 'dockerfile' ? inlineDockerfileImages(yaml, entry) : [],
  );
  return [...fromScalars, ...fromParts, ...fromDockerfiles];
}

function scalarImage(
  site: ScalarSite,
  kind: ImageSiteKind,
  document: number | undefined,
  prefix: string,
): LocatedImage {
  const written = prefix && site.value.startsWith(prefix) ? site.value.slice(prefix.length) : site.value;
  const edit: ImageEdit | undefined = site.quote === 'block' ? undefined : { how: 'scalar', site, prefix };
  const imageSite: ImageSite = {
    kind,
    path: site.path,
    line: site.line,
    column: site.column,
    written,
    edit,
    ...(edit ? {} : { cannotEdit: 'a block scalar (`|` or `>`) of several lines holds it' }),
    ...(site.comment ? { comment: site.comment } : {}),
    ...(document !== undefined && document > 0 ? { document } : {}),
  };
  if (kind === 'docker-action' && !site.value.startsWith('docker://'))
    return {
      status: 'not-image',
      site: imageSite,
      why: 'the action is built from its own Dockerfile (pinned where that file is read)',
    };
  return classifyImage(imageSite);
}

/** The images of a Dockerfile written in the YAML, placed in the YAML's text. */
function inlineDockerfileImages(yaml: YamlText, entry: Extract<Found, { shape: 'dockerfile' }>): LocatedImage[] {
  const site = buildScalarSite(yaml, entry.found);
  const node = entry.found.node;
  const offset =
    isScalar(node) && node.range ? inlinePlacement(yaml.text, node.range[0], node.range[1], site) : undefined;
  const document = entry.document > 0 ? { document: entry.document } : {};
  const unreadable = (why: string): LocatedImage[] => [
    {
      status: 'unreadable',
      site: {
        kind: 'from',
        path: site.path,
        line: site.line,
        column: site.column,
        written: '',
        edit: undefined,
        cannotEdit: why,
        ...document,
      },
      why,
    },
  ];
  if (!offset)
    return unreadable('the inline Dockerfile is folded or escaped in its YAML: pinwarden cannot place a digest in it');
  const located = locateDockerfileImages(site.value, {
    offset,
    position: (at) => {
      const position = yaml.lines.linePos(at);
      return { line: position.line, column: position.col };
    },
    path: `${site.path}: `,
    nodeStart: site.nodeStart,
  });
  if (!located.ok) return unreadable(located.error);
  return located.images.map((image) => ({ ...image, site: { ...image.site, ...document } }));
}

/**
 * Maps offsets of a scalar's decoded text to the YAML's text, where each decoded line is a source
 * line as written (a one-line plain or quoted scalar without escapes, a literal block `|`);
 * undefined where it is not (a folded block, escapes, a scalar over several lines).
 */
function inlinePlacement(
  text: string,
  nodeStart: number,
  nodeEnd: number,
  site: ScalarSite,
): ((offset: number) => number) | undefined {
  if (site.quote !== 'block') {
    const raw = text.slice(site.valueStart, site.valueEnd);
    const quoted = site.quote === 'plain' ? 0 : 1;
    return raw.slice(quoted, raw.length - quoted) === site.value
      ? (offset) => site.valueStart + quoted + offset
      : undefined;
  }
  if (text[nodeStart] !== '|') return undefined;
  const bodyStart = text.indexOf('\n', nodeStart) + 1;
  if (bodyStart === 0) return undefined;
  const decoded = site.value.split('\n');
  const starts: { decoded: number; source: number }[] = [];
  let source = bodyStart;
  let at = 0;
  for (const line of decoded) {
    if (at >= site.value.length) break;
    const lineEnd = text.indexOf('\n', source);
    const sourceLine = text.slice(source, lineEnd < 0 ? nodeEnd : lineEnd).replace(/\r$/, '');
    if (
      line === ''
        ? sourceLine.trim() !== ''
        : !sourceLine.endsWith(line) || sourceLine.slice(0, sourceLine.length - line.length).trim() !== ''
    )
      return undefined;
    starts.push({ decoded: at, source: source + sourceLine.length - line.length });
    at += line.length + 1;
    source = lineEnd < 0 ? nodeEnd : lineEnd + 1;
  }
  return (offset) => {
    let index = starts.length - 1;
    while (index > 0 && starts[index]!.decoded > offset) index -= 1;
    return starts[index]!.source + (offset - starts[index]!.decoded);
  };
}

/** `uses: docker://alpine:3.20` steps, located with every other `uses:`. */
function dockerSteps(uses: readonly UsesReference[]): LocatedImage[] {
  return uses.flatMap(({ site, ref }) =>
    ref.kind === 'docker' ? [scalarImage(site, 'docker-step', undefined, 'docker://')] : [],
  );
}

function partsImage(
  yaml: YamlText,
  doc: Document,
  entry: Extract<Found, { shape: 'parts' }>,
  context: YamlImageContext,
): LocatedImage {
  const part = (key: string) => {
    const node = resolveNode(doc, lookup(doc, entry.map, key));
    return isScalar(node) && node.value !== null && node.range
      ? yaml.text.slice(node.range[0], node.range[1]).replace(/^(['"])(.*)\1$/s, '$2')
      : undefined;
  };
  const position = yaml.lines.linePos(entry.map.range?.[0] ?? 0);
  const kustomize = entry.kind === 'kustomize-image';
  const name = kustomize
    ? (part('newName') ?? part('name'))
    : [part('registry'), part('repository')].filter((piece) => piece !== undefined && piece !== '').join('/');
  // A chart's map may call its tag `version`; with neither, the templates default it to the chart's appVersion.
  const writtenTag = kustomize ? part('newTag') : part('tag') || part('version');
  const fromAppVersion = !kustomize && !writtenTag && context.appVersion !== undefined;
  const tag = fromAppVersion ? context.appVersion : writtenTag;
  const digest = part('digest');
  const written = `${name ?? ''}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  const edit = digestKeyEdit(yaml, doc, entry.map);
  const templates = context.helmTemplates ?? [];
  const reads = kustomize || digest || helmTemplatesReadDigest(templates, entry.path);
  const site: ImageSite = {
    kind: entry.kind,
    path: entry.path,
    line: position.line,
    column: position.col,
    written,
    edit: reads && edit.edit ? edit.edit : undefined,
    ...(reads
      ? edit.edit
        ? {}
        : { cannotEdit: edit.why }
      : {
          cannotEdit: `the chart's templates do not read \`.Values.${entry.path}.digest\`${templateLine(templates, entry.path)}; pin it in the template, or make the template read a digest`,
        }),
    ...(fromAppVersion ? { path: `${entry.path} (tag: the chart's appVersion)` } : {}),
    ...(entry.document > 0 ? { document: entry.document } : {}),
  };
  if (!tag && !digest) {
    return kustomize
      ? {
          status: 'not-image',
          site,
          why: 'no newTag: the tag comes from the manifests this entry rewrites, where it is pinned',
        }
      : {
          status: 'unreadable',
          site,
          why: 'no tag, and no chart appVersion beside it: set `tag` so a digest can be checked against it',
        };
  }
  return classifyImage(site);
}

/** Where a `digest:` goes in a map that names an image in parts. */
function digestKeyEdit(
  yaml: YamlText,
  doc: Document,
  map: YAMLMap,
): { edit: ImageEdit; why?: never } | { edit?: never; why: string } {
  const newline = yaml.text.includes('\r\n') ? '\r\n' : '\n';
  const existing = findPair(doc, map, 'digest');
  if (existing) {
    const site = foundUnder(doc, map, 'digest', 'digest', false)!;
    const node = site.node;
    if (node !== null && (!isScalar(node) || (node.value !== null && node.value !== '')))
      return { why: 'its `digest` already holds a value' };
    if (!map.items.includes(existing as Pair<unknown, unknown>)) return { why: 'its `digest` comes from a merged map' };
    return {
      edit: {
        how: 'digest-key',
        mapStart: map.range?.[0] ?? 0,
        existing: buildScalarSite(yaml, site),
        insertAt: 0,
        indent: undefined,
        newline,
      },
    };
  }
  const anchor = ['newTag', 'tag', 'version', 'repository', 'newName', 'name']
    .map((key) => map.items.find((pair) => scalarText(pair.key) === key))
    .find((pair) => pair !== undefined);
  const value = anchor?.value as Node | null | undefined;
  if (!anchor || !isScalar(value) || !value.range || value.type === 'BLOCK_LITERAL' || value.type === 'BLOCK_FOLDED')
    return { why: 'its keys are not plain one-line values to write a digest beside' };
  if (map.flow)
    return {
      edit: {
        how: 'digest-key',
        mapStart: map.range?.[0] ?? 0,
        existing: undefined,
        insertAt: value.range[1],
        indent: undefined,
        newline,
      },
    };
  const keyStart = (anchor.key as Node).range?.[0] ?? 0;
  if (yaml.lines.linePos(keyStart).line !== yaml.lines.linePos(value.range[0]).line)
    return { why: "its value is not on its key's line" };
  return {
    edit: {
      how: 'digest-key',
      mapStart: map.range?.[0] ?? 0,
      existing: undefined,
      insertAt: endOfLine(yaml.text, value.range[1]),
      indent: ' '.repeat(yaml.lines.linePos(keyStart).col - 1),
      newline,
    },
  };
}

/** The first template line that reads the map (` (the template line \`…\`)`), for a reader to add a digest to. */
function templateLine(templates: readonly string[], path: string): string {
  const values = new RegExp(`${escapeRegExp(`.Values.${path}`)}(?![\\w])`);
  for (const template of templates)
    for (const line of template.split('\n'))
      if (values.test(line)) return ` (the template line \`${line.trim().slice(0, 200)}\`)`;
  return '';
}

/** Whether a chart template reads `.Values.<path>.digest`, directly or through a helper given the map. */
function helmTemplatesReadDigest(templates: readonly string[], path: string): boolean {
  const values = `.Values.${path}`;
  const direct = templates.some((template) => template.includes(`${values}.digest`));
  const handsOn = templates.some((template) => new RegExp(`${escapeRegExp(values)}(?![\\w.])`).test(template));
  const helperReads = templates.some((template) => /\.digest\b/.test(template));
  return direct || (handsOn && helperReads);
}
