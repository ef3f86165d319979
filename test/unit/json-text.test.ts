// The report's JSON written item by item is JSON.stringify's, byte for byte.
import { describe, expect, it } from 'vitest';
import { jsonWithList } from '../../src/report/json-text.js';

describe('jsonWithList', () => {
  const cases: [Record<string, unknown>, string, unknown[], Record<string, unknown>][] = [
    [
      { dryRun: true },
      'files',
      [
        { path: 'a.yml', pins: [] },
        { path: 'é ☕ "quoted"\n', n: 1 },
      ],
      { notes: ['x'] },
    ],
    [{}, 'files', [], {}],
    [{ a: 1 }, 'files', [], {}],
    [{}, 'files', [1, 'two', null], { b: [2] }],
    [{}, 'files', [undefined, () => 1], { c: undefined }],
  ];

  it.each(cases)('writes %j with %s the same bytes as JSON.stringify', (head, key, items, tail) => {
    const bytes = jsonWithList(head, key, items, tail);
    expect(bytes.toString('utf8')).toBe(JSON.stringify({ ...head, [key]: items, ...tail }));
  });

  it('round-trips values cut from a text with characters past Latin-1', () => {
    const twoByte = 'uses: actions/checkout@v4 # ☕'.slice(0, 25);
    const bytes = jsonWithList({}, 'files', [{ before: twoByte }, { before: 'plain' }], {});
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ files: [{ before: twoByte }, { before: 'plain' }] });
  });
});
