// Every `FROM` of a Dockerfile, read by a real Dockerfile parser (dockerfile-ast) with source
// ranges: the image token is edited in place, so `--platform=…`, `AS name`, comments, escapes and
// line endings stay as they are. `FROM scratch`, `FROM <earlier stage>` and `FROM ${ARG}` are not
// images to pin, and each says why. The parser is loaded on the first Dockerfile (it is CommonJS,
// and a run over workflows alone should not pay for it).
import { createRequire } from 'node:module';
import type * as DockerfileAst from 'dockerfile-ast';
import { classifyImage } from './classify-image.js';
import type { ImageSite, LocateImagesResult, LocatedImage } from './types.js';

let parser: typeof DockerfileAst.DockerfileParser | undefined;
function dockerfileParser(): typeof DockerfileAst.DockerfileParser {
  parser ??= (createRequire(import.meta.url)('dockerfile-ast') as typeof DockerfileAst).DockerfileParser;
  return parser;
}

interface Position {
  readonly line: number;
  readonly character: number;
}

export function locateDockerfileImages(text: string): LocateImagesResult {
  try {
    return locate(text);
  } catch (error) {
    return { ok: false, error: `pinwarden could not read this Dockerfile: ${(error as Error).message}` };
  }
}

function locate(text: string): LocateImagesResult {
  const dockerfile = dockerfileParser().parse(text);
  const lineStarts = lineStartsOf(text);
  const offsetOf = (position: Position) => (lineStarts[position.line] ?? text.length) + position.character;
  const stages = new Set<string>();
  const images: LocatedImage[] = [];
  for (const from of dockerfile.getFROMs()) {
    const range = from.getImageRange();
    const stage = from.getBuildStage();
    if (!range) continue;
    const start = offsetOf(range.start);
    const end = offsetOf(range.end);
    const written = text.slice(start, end);
    const site: ImageSite = {
      kind: 'from',
      path: `FROM${stage ? ` … AS ${stage}` : ''}`,
      line: range.start.line + 1,
      column: range.start.character + 1,
      written,
      edit: { how: 'text', start, end },
    };
    if (stage) stages.add(stage.toLowerCase());
    if (written !== from.getImage()) {
      images.push({
        status: 'unreadable',
        site: { ...site, edit: undefined, cannotEdit: 'the image is split over lines' },
        why: 'the image is split over lines with escapes',
      });
    } else if (written.toLowerCase() === 'scratch') {
      images.push({ status: 'not-image', site, why: '`scratch` is the empty image: nothing is pulled' });
    } else if (stages.has(written.toLowerCase()) && written.toLowerCase() !== stage?.toLowerCase()) {
      images.push({ status: 'not-image', site, why: `\`${written}\` is an earlier build stage of this file` });
    } else if (written.includes('$')) {
      images.push({
        status: 'not-image',
        site,
        why: 'a build argument names it (`${…}`); its value is only known at build time: pin the ARG default instead',
      });
    } else {
      images.push(classifyImage(site));
    }
  }
  return { ok: true, images };
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
