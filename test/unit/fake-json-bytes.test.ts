import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../src/dev/fake-github/json-bytes.js';

const plain = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

describe("the fake's JSON encoder", () => {
  const long = (seed: string) => `${seed}\n"quoted" \\ back\tslash é ✓ 𝄞 \u0000 \u2028 `.repeat(40);

  it('gives the bytes JSON.stringify gives, long strings and short', () => {
    const values: unknown[] = [
      { data: { a: { object: { text: long('a'), oid: 'x' } }, b: null, c: [long('b'), 'short', 1, true] } },
      [long('a'), long('a'), { nested: [[long('c')]] }, undefined, () => 1],
      { skipped: undefined, date: new Date(0), text: long('d') },
      long('top level'),
      'short',
      42,
      null,
      { [long('key')]: 'a long key is left alone' },
    ];
    for (const value of values) expect(jsonBytes(value).equals(plain(value))).toBe(true);
  });

  it('is not fooled by a string that looks like its marker', () => {
    const forged = '\u0000not-the-nonce:0';
    const value = { forged, text: long('e'), alsoForged: `"\\u0000${forged}` };
    expect(jsonBytes(value).equals(plain(value))).toBe(true);
  });

  it('stays right when more long strings pass than it keeps', () => {
    for (let index = 0; index < 5_000; index += 1) {
      const value = { text: `${index}:${'x'.repeat(300)}`, again: `${index}:${'x'.repeat(300)}` };
      if (index % 997 === 0) expect(jsonBytes(value).equals(plain(value))).toBe(true);
      else jsonBytes(value);
    }
    const first = { text: `0:${'x'.repeat(300)}` };
    expect(jsonBytes(first).equals(plain(first))).toBe(true);
  });

  it('refuses what has no JSON form, as the server expects', () => {
    expect(() => jsonBytes(undefined)).toThrow(/no JSON form/);
  });
});

describe("the fake's blob texts", () => {
  it('answers each repository with its own text, however often a text was read before', async () => {
    const { createFakeState, seedRepository } = await import('../../src/dev/fake-github/fake-state.js');
    const { executeGraphql } = await import('../../src/dev/fake-github/graphql-api.js');
    const state = createFakeState([]);
    const texts = { one: 'on: push\njobs: {}\n', two: 'on: pull_request\njobs: {}\n', three: 'on: push\njobs: {}\n' };
    for (const [name, text] of Object.entries(texts))
      seedRepository(state, { fullName: `acme/${name}`, files: { 'ci.yml': text } });
    const blob = (name: string) =>
      executeGraphql(state, {
        query: `{ repository(owner: "acme", name: "${name}") { object(expression: "HEAD:ci.yml") { ... on Blob { text byteSize } } } }`,
      });
    for (let read = 0; read < 2; read += 1)
      for (const [name, text] of Object.entries(texts))
        expect(await blob(name)).toEqual({ data: { repository: { object: { text, byteSize: text.length } } } });
  });
});
