// The shared corpus's workflow and action files with their text, as the corpus tests read them.
import { readFileSync } from 'node:fs';
import { collectFiles } from '../../src/cli/collect-files.js';
import type { LocalFile } from '../../src/cli/collect-files.js';
import { corpusWorkflowsDir } from './paths.js';

export interface CorpusText extends LocalFile {
  readonly text: string;
}

export async function readCorpusFiles(): Promise<CorpusText[]> {
  return collectFiles([corpusWorkflowsDir]).files.map((file) => ({
    ...file,
    text: readFileSync(file.path, 'utf8'),
  }));
}
