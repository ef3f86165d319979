// The data files built into pinwarden are held to their schemas here, not at each start (the
// schema library's import was most of a one-shot command's start-up): a malformed entry fails the
// build. Each schema is also shown to refuse a broken copy, so these checks cannot pass vacuously.
import { describe, expect, it } from 'vitest';
import compromisesRaw from '../../src/audit/data/compromises.json' with { type: 'json' };
import imagesRaw from '../../src/images/data/compromised-images.json' with { type: 'json' };
import { COMPROMISES } from '../../src/audit/compromise-data.js';
import { CompromiseDataSchema } from '../../src/audit/compromise-data-schema.js';
import { CompromisedImagesSchema } from '../../src/images/known-bad-images-schema.js';
import { knownBadImage } from '../../src/images/known-bad-images.js';

const copy = <T>(value: T): T => structuredClone(value);

describe('the compromises pinwarden ships', () => {
  it('match their schema exactly, and are what the audit reads', () => {
    expect(CompromiseDataSchema.parse(compromisesRaw)).toEqual(compromisesRaw);
    expect(COMPROMISES).toEqual(CompromiseDataSchema.parse(compromisesRaw));
  });

  it('would fail on a short bad commit, an unknown key or a missing source', () => {
    const shortSha = copy(compromisesRaw);
    shortSha.incidents[0]!.badCommits[0]!.sha = 'abc1234';
    expect(CompromiseDataSchema.safeParse(shortSha).success).toBe(false);
    const extraKey = copy(compromisesRaw) as unknown as { incidents: Record<string, unknown>[] };
    extraKey.incidents[0]!.typo = true;
    expect(CompromiseDataSchema.safeParse(extraKey).success).toBe(false);
    const unsourced = copy(compromisesRaw);
    unsourced.incidents[0]!.sources = [];
    expect(CompromiseDataSchema.safeParse(unsourced).success).toBe(false);
  });
});

describe('the compromised images pinwarden ships', () => {
  it('match their schema exactly, and are what image planning reads', () => {
    expect(CompromisedImagesSchema.parse(imagesRaw)).toEqual(imagesRaw);
    const first = imagesRaw.incidents[0]!;
    const [registry, ...rest] = first.repositories[0]!.split('/');
    expect(knownBadImage({ registry: registry!, repository: rest.join('/'), tag: first.tags[0]! })?.incident.id).toBe(
      first.id,
    );
  });

  it('would fail on a malformed digest or repository', () => {
    const badDigest = copy(imagesRaw) as unknown as { incidents: { digests?: string[]; repositories: string[] }[] };
    badDigest.incidents[0]!.digests = ['sha256:short'];
    expect(CompromisedImagesSchema.safeParse(badDigest).success).toBe(false);
    const badRepository = copy(imagesRaw);
    badRepository.incidents[0]!.repositories = ['no-slash'];
    expect(CompromisedImagesSchema.safeParse(badRepository).success).toBe(false);
  });
});
