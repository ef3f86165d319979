// The text shortcut of reading image pushes against the full read over the real corpus, as
// committed and mutated: the same pushes and signing jobs, and most real files skip the parse.
import { beforeAll, describe, expect, it } from 'vitest';
import { mayPushOrSign, readImagePushes } from '../../src/signing/image-pushes.js';
import { readCorpusFiles } from '../support/corpus-files.js';
import type { CorpusText } from '../support/corpus-files.js';
import { corpusAvailable } from '../support/paths.js';
import { mutate, random } from '../support/yaml-mutations.js';

let texts: CorpusText[] = [];

beforeAll(async () => {
  if (!corpusAvailable) return;
  texts = await readCorpusFiles();
});

describe.skipIf(!corpusAvailable)('the image-push shortcut on the corpus', () => {
  it('agrees with the full read on every file, and most files skip the parse', () => {
    for (const { path, text } of texts)
      expect(readImagePushes(text), path).toEqual(readImagePushes(text, { fastPath: false }));
    // The corpus does push images: the agreement above is not only over empty reads.
    expect(texts.filter(({ text }) => readImagePushes(text).pushes.length > 0).length).toBeGreaterThan(2);
    expect(texts.filter(({ text }) => !mayPushOrSign(text)).length / texts.length).toBeGreaterThan(0.8);
  });

  it('agrees with the full read on 2,000 mutated corpus files', () => {
    const next = random(23);
    for (let round = 0; round < 2000; round += 1) {
      const { text } = texts[Math.floor(next() * texts.length)]!;
      const mutated = mutate(text, next);
      expect(readImagePushes(mutated)).toEqual(readImagePushes(mutated, { fastPath: false }));
    }
  });
});
