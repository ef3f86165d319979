// The fast path against the full parse over the real corpus, as committed and mutated: locate
// gives exactly what the full parse gives (`uses:` and images), and most real files take the fast path.
import { beforeAll, describe, expect, it } from 'vitest';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { locateWorkflowFile } from '../../src/images/locate-workflow-file.js';
import { plainTree } from '../../src/yaml/plain-tree.js';
import { readCorpusFiles } from '../support/corpus-files.js';
import type { CorpusText } from '../support/corpus-files.js';
import { corpusAvailable } from '../support/paths.js';
import { mutate, random } from '../support/yaml-mutations.js';

let files: CorpusText[] = [];
const options = { stringKeys: new Set(['uses']) };

beforeAll(async () => {
  if (!corpusAvailable) return;
  files = await readCorpusFiles();
});

describe.skipIf(!corpusAvailable)('the plain-tree fast path on the corpus', () => {
  it('agrees with the full parse on every file, and most files take it', () => {
    for (const file of files) {
      expect(locateUsesSites(file.text, file.kind), file.path).toEqual(
        locateUsesSites(file.text, file.kind, { fastPath: false }),
      );
      expect(locateWorkflowFile(file.text, file.kind), file.path).toEqual(
        locateWorkflowFile(file.text, file.kind, { fastPath: false }),
      );
    }
    expect(files.filter((file) => plainTree(file.text, options)).length / files.length).toBeGreaterThan(0.6);
  });

  it('agrees with the full parse on 2,000 mutated corpus files', () => {
    const next = random(11);
    for (let round = 0; round < 2000; round += 1) {
      const file = files[Math.floor(next() * files.length)]!;
      const text = mutate(file.text, next);
      expect(locateUsesSites(text, file.kind), `${file.path}\n${text}`).toEqual(
        locateUsesSites(text, file.kind, { fastPath: false }),
      );
      expect(locateWorkflowFile(text, file.kind), `${file.path}\n${text}`).toEqual(
        locateWorkflowFile(text, file.kind, { fastPath: false }),
      );
    }
  });
});
