// Every image a Dockerfile pulls, read by a real Dockerfile parser (dockerfile-ast) with source
// ranges, so a digest is written in place and `--platform=…`, `AS name`, comments, escapes and line
// endings stay as they are: each `FROM`; `COPY --from=<image>` and `RUN --mount=…,from=<image>`
// (a build stage's name or number is no image); the `# syntax=` frontend BuildKit pulls and runs on
// every build; and a FROM written with build arguments, through their defaults (dockerfile-args.ts):
// the digest goes into the ARG's default (`ARG BASE=nginx:1.19@sha256:…`), into an inline default
// (`${IMAGE:-ubuntu:22.04@sha256:…}`), or after the FROM's own text. An argument without a default
// fails the gate, as compose's `${VAR:-default}` does. The parser is loaded on the first Dockerfile
// (it is CommonJS, and a run over workflows alone should not pay for it).
import { createRequire } from 'node:module';
import type * as DockerfileAst from 'dockerfile-ast';
import { classifyImage } from './classify-image.js';
import { expandImage, variableUses } from './dockerfile-args.js';
import type { Expansion, GlobalArg } from './dockerfile-args.js';
import type { ImageEdit, ImageSite, LocateImagesResult, LocatedImage } from './types.js';

let parser: typeof DockerfileAst.DockerfileParser | undefined;
function dockerfileParser(): typeof DockerfileAst.DockerfileParser {
  parser ??= (createRequire(import.meta.url)('dockerfile-ast') as typeof DockerfileAst).DockerfileParser;
  return parser;
}

interface Position {
  readonly line: number;
  readonly character: number;
}
interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A Dockerfile's text: offsets in it (`local`), and in the file that holds it (`global`: compose's `dockerfile_inline`). */
interface Source {
  readonly text: string;
  readonly local: (position: Position) => number;
  readonly global: (offset: number) => number;
  /** The edit of [start, end) of the Dockerfile's text, placed in the file that holds it. */
  readonly edit: (start: number, end: number) => ImageEdit;
  readonly lineOf: (position: Position) => number;
  readonly columnOf: (position: Position) => number;
  readonly path: string;
}

export interface DockerfilePlacement {
  /** Maps an offset in the Dockerfile's text to one in the file that holds it. */
  readonly offset: (offset: number) => number;
  /** The 1-based line and column of an offset in the file that holds it. */
  readonly position: (offset: number) => { readonly line: number; readonly column: number };
  /** Put before each site's path (`services.api.build.dockerfile_inline: `). */
  readonly path: string;
  /** Where the YAML node holding the Dockerfile starts (the rewrite's check compares it whole). */
  readonly nodeStart: number;
}

export function locateDockerfileImages(text: string, placement?: DockerfilePlacement): LocateImagesResult {
  try {
    return locate(text, placement);
  } catch (error) {
    return { ok: false, error: `pinwarden could not read this Dockerfile: ${(error as Error).message}` };
  }
}

function locate(text: string, placement: DockerfilePlacement | undefined): LocateImagesResult {
  const dockerfile = dockerfileParser().parse(text);
  const lineStarts = lineStartsOf(text);
  const source: Source = {
    text,
    local: (position) => (lineStarts[position.line] ?? text.length) + position.character,
    global: (offset) => (placement ? placement.offset(offset) : offset),
    edit: (start, end) => ({
      how: 'text',
      start: source.global(start),
      end: source.global(end),
      ...(placement ? { within: { nodeStart: placement.nodeStart, text, end } } : {}),
    }),
    lineOf: (position) =>
      placement ? placement.position(placement.offset(source.local(position))).line : position.line + 1,
    columnOf: (position) =>
      placement ? placement.position(placement.offset(source.local(position))).column : position.character + 1,
    path: placement?.path ?? '',
  };
  const images: LocatedImage[] = [];
  for (const directive of dockerfile.getDirectives())
    if (directive.getName().toLowerCase() === 'syntax') images.push(syntaxImage(source, directive));
  const args = globalArgs(dockerfile, source);
  // Each FROM written with build arguments expanded once, before any is located: an ARG's default
  // takes a digest only when every read of it ends a FROM, which all the FROMs tell together.
  const expansions = new Map<DockerfileAst.From, Expansion>();
  for (const from of dockerfile.getFROMs()) {
    const range = from.getImageRange();
    const written = range ? text.slice(source.local(range.start), source.local(range.end)) : '';
    if (range && written === from.getImage() && written.includes('$'))
      expansions.set(from, expandImage(written, source.local(range.start), args));
  }
  const reads = { all: variableUses(text), endingFrom: new Map<string, number>() };
  for (const expanded of expansions.values())
    if (expanded.ok && expanded.last.kind === 'arg')
      reads.endingFrom.set(expanded.last.arg.name, (reads.endingFrom.get(expanded.last.arg.name) ?? 0) + 1);
  const stages = new Set<string>();
  const argSites = new Set<string>();
  let stageCount = 0;
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      const from = instruction as DockerfileAst.From;
      const located = fromImage(source, from, stages, expansions.get(from), reads, argSites);
      if (located) images.push(located);
      const stage = from.getBuildStage();
      if (stage) stages.add(stage.toLowerCase());
      stageCount += 1;
    } else if (keyword === 'COPY') {
      const flag = (instruction as DockerfileAst.Copy).getFromFlag();
      if (flag)
        images.push(
          ...flagImage(source, flag.getValue(), flag.getValueRange(), 'copy-from', 'COPY --from', stages, stageCount),
        );
    } else if (keyword === 'RUN') {
      for (const flag of (instruction as DockerfileAst.Run).getFlags()) {
        if (flag.getName().toLowerCase() !== 'mount') continue;
        const option = flag.getOption('from');
        if (option)
          images.push(
            ...flagImage(
              source,
              option.getValue(),
              option.getValueRange(),
              'mount-from',
              'RUN --mount from',
              stages,
              stageCount,
            ),
          );
      }
    }
  }
  return { ok: true, images };
}

function site(source: Source, kind: ImageSite['kind'], path: string, range: Range): ImageSite {
  const start = source.local(range.start);
  const end = source.local(range.end);
  return {
    kind,
    path: `${source.path}${path}`,
    line: source.lineOf(range.start),
    column: source.columnOf(range.start),
    written: source.text.slice(start, end),
    edit: source.edit(start, end),
  };
}

/** `# syntax=docker/dockerfile:1.7`: BuildKit pulls that frontend image and runs it on every build. */
function syntaxImage(source: Source, directive: DockerfileAst.ParserDirective): LocatedImage {
  return classifyImage(site(source, 'syntax', '# syntax=', directive.getValueRange()));
}

/** The ARGs before the first FROM: the only ones a FROM can read; a later declaration's default wins. */
function globalArgs(dockerfile: DockerfileAst.Dockerfile, source: Source): Map<string, GlobalArg> {
  const args = new Map<string, GlobalArg>();
  for (const instruction of dockerfile.getInitialARGs()) {
    for (const property of instruction.getProperties()) {
      const name = property.getName();
      // dockerfile-ast reads a line-continuing `\` after a space as a property of its own.
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
      const value = property.getValue();
      const range = property.getValueRange();
      const at = property.getNameRange().start;
      let edit: GlobalArg['edit'] = 'the default is not written where pinwarden can add to it';
      if (value !== null && range) {
        const start = source.local(range.start);
        const end = source.local(range.end);
        const raw = source.text.slice(start, end);
        const inner =
          raw === value
            ? { start, end }
            : raw === `"${value}"` || raw === `'${value}'`
              ? { start: start + 1, end: end - 1 }
              : undefined;
        if (inner) edit = inner;
        else edit = 'the default is written with escapes or over several lines';
      }
      args.set(name, { name, value, edit, line: source.lineOf(at), column: source.columnOf(at) });
    }
  }
  return args;
}

function fromImage(
  source: Source,
  from: DockerfileAst.From,
  stages: ReadonlySet<string>,
  expanded: Expansion | undefined,
  reads: { readonly all: ReadonlyMap<string, number>; readonly endingFrom: ReadonlyMap<string, number> },
  argSites: Set<string>,
): LocatedImage | undefined {
  const range = from.getImageRange();
  if (!range) return undefined;
  const stage = from.getBuildStage();
  const fromSite = site(source, 'from', `FROM${stage ? ` … AS ${stage}` : ''}`, range);
  const written = fromSite.written;
  if (written !== from.getImage())
    return {
      status: 'unreadable',
      site: { ...fromSite, edit: undefined, cannotEdit: 'the image is split over lines' },
      why: 'the image is split over lines with escapes',
    };
  const lower = written.toLowerCase();
  if (lower === 'scratch')
    return { status: 'not-image', site: fromSite, why: '`scratch` is the empty image: nothing is pulled' };
  if (stages.has(lower) && lower !== stage?.toLowerCase())
    return { status: 'not-image', site: fromSite, why: `\`${written}\` is an earlier build stage of this file` };
  if (!expanded) return classifyImage(fromSite);
  if (!expanded.ok)
    return {
      status: 'unreadable',
      site: { ...fromSite, edit: undefined, cannotEdit: expanded.why },
      why: expanded.why,
    };
  if (stages.has(expanded.value.toLowerCase()))
    return { status: 'not-image', site: fromSite, why: `\`${expanded.value}\` is an earlier build stage of this file` };
  const last = expanded.last;
  if (last.kind === 'from-text') return classifyImage(fromSite, expanded.value);
  if (last.kind === 'inline-default')
    return classifyImage(
      {
        ...fromSite,
        written: last.text,
        edit: source.edit(last.start, last.end),
      },
      expanded.value,
    );
  // The digest goes into the ARG's default: once, wherever several FROMs read it.
  const { arg } = last;
  const argSite: ImageSite = {
    ...fromSite,
    path: `${source.path}ARG ${arg.name} (read by FROM on line ${fromSite.line})`,
    line: arg.line,
    column: arg.column,
    written: arg.value ?? '',
  };
  if (argSites.has(arg.name))
    return {
      status: 'not-image',
      site: { ...fromSite, edit: undefined },
      why: `the build argument ${arg.name} names it, pinned where it is declared`,
    };
  argSites.add(arg.name);
  const fromEnds = (reads.all.get(arg.name) ?? 0) <= (reads.endingFrom.get(arg.name) ?? 0);
  if (typeof arg.edit === 'string' || !fromEnds) {
    const why =
      typeof arg.edit === 'string'
        ? arg.edit
        : `the build argument ${arg.name} is read beyond the end of a FROM, where a digest would go too`;
    return classifyImage({ ...argSite, edit: undefined, cannotEdit: why }, expanded.value);
  }
  return classifyImage({ ...argSite, edit: source.edit(arg.edit.start, arg.edit.end) }, expanded.value);
}

/** `COPY --from=…` and `RUN --mount=…,from=…`: an image, unless it names a build stage (by name or number). */
function flagImage(
  source: Source,
  value: string | null,
  range: Range | null,
  kind: 'copy-from' | 'mount-from',
  path: string,
  stages: ReadonlySet<string>,
  stageCount: number,
): LocatedImage[] {
  if (!value || !range) return [];
  const flagSite = site(source, kind, path, range);
  const raw = flagSite.written;
  if (stages.has(value.toLowerCase()) || (/^\d+$/.test(value) && Number(value) < stageCount))
    return [{ status: 'not-image', site: flagSite, why: `\`${value}\` is a build stage of this file` }];
  if (value.includes('$'))
    return [
      {
        status: 'unreadable',
        site: { ...flagSite, edit: undefined },
        why: 'a build argument names it; what it pulls is only known when it is built',
      },
    ];
  if (raw !== value)
    return [classifyImage({ ...flagSite, written: value, edit: undefined, cannotEdit: 'it is quoted or escaped' })];
  return [classifyImage(flagSite)];
}

/** Offsets where each line starts, with the line breaks the parser counts (`\r\n`, `\n`, `\r`). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\r') {
      if (text[index + 1] === '\n') index += 1;
      starts.push(index + 1);
    } else if (char === '\n') starts.push(index + 1);
  }
  return starts;
}
