// What the audit remembers across references: bounded by count and by key length, and the same
// answers as computing each time.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { memoByString } from '../../src/common/string-memo.js';
import { checkIndicators, indicatorsOf } from '../../src/audit/iocs.js';
import { COMPROMISES } from '../../src/audit/compromise-data.js';

describe('memoByString', () => {
  it('computes a name once, undefined answers included', () => {
    const asked: string[] = [];
    const memo = memoByString((name: string) => {
      asked.push(name);
      return name.startsWith('v') ? name.length : undefined;
    });
    expect([memo('v1'), memo('x'), memo('v1'), memo('x')]).toEqual([2, undefined, 2, undefined]);
    expect(asked).toEqual(['v1', 'x']);
  });

  it('keeps at most max names, and never a long one', () => {
    const asked: string[] = [];
    const memo = memoByString((name: string) => asked.push(name), 2);
    for (const name of ['a', 'b', 'c', 'a']) memo(name);
    // The third name started the memory again: 'a' was forgotten and computed anew.
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
    const long = 'x'.repeat(129);
    memo(long);
    memo(long);
    expect(asked.filter((name) => name === long)).toHaveLength(2);
  });

  it('keeps names up to the length it is given', () => {
    const asked: string[] = [];
    const memo = memoByString((name: string) => asked.push(name), 4, 1_000);
    const text = 'y'.repeat(1_000);
    memo(text);
    memo(text);
    memo(`${text}y`);
    memo(`${text}y`);
    expect(asked.map((name) => name.length)).toEqual([1_000, 1_001, 1_001]);
  });
});

describe('checkIndicators', () => {
  const indicators = indicatorsOf(COMPROMISES);

  it('finds an indicator in any case, and only where it is', () => {
    const text = 'on: push\njobs:\n  a:\n    steps:\n      - run: curl https://SCAN.AquaSecurtiy.org/x\n';
    expect(checkIndicators('w.yml', text, indicators).map((finding) => finding.line)).toEqual([5]);
    expect(checkIndicators('w.yml', text.replace('AquaSecurtiy', 'aquasecurity'), indicators)).toEqual([]);
  });

  it('works out the indicators once per data, and anew for other data', () => {
    expect(indicatorsOf(COMPROMISES)).toBe(indicators);
    const other = { ...COMPROMISES, incidents: [] };
    expect(indicatorsOf(other)).not.toBe(indicators);
    expect(indicatorsOf(other).list).toEqual([]);
  });

  it('reads indicators as text, not as patterns', () => {
    const dotted = indicatorsOf({
      ...COMPROMISES,
      incidents: [{ ...COMPROMISES.incidents[0]!, iocs: { domains: ['a.b(c'], repositoryNames: [], strings: [] } }],
    });
    expect(checkIndicators('w.yml', 'x: a.b(c\n', dotted)).toHaveLength(1);
    expect(checkIndicators('w.yml', 'x: aXb(c\n', dotted)).toEqual([]);
  });
});

describe('what a memo keeps', () => {
  it('holds nothing of the texts its names were cut from, answers made of them included', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const memo = memoByString((name: string) => name.slice(2));
    gc();
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
    const before = used();
    for (let index = 0; index < 40; index += 1) {
      // A comment cut from a file of half a megabyte, as a version comment is cut from a workflow.
      // (Read from a file, a text is one flat string; a cut of 13 characters or more points into it.)
      const text = Buffer.from(`# v1.${index}.0-alpha.1 ${'x'.repeat(1 << 19)}`).toString('utf8');
      expect(memo(text.slice(0, text.indexOf(' ', 3)))).toBe(`v1.${index}.0-alpha.1`);
    }
    gc();
    // Kept as cut, each name and its answer would hold its half megabyte: 20 MB.
    expect(used() - before).toBeLessThan(6 * 1024 * 1024);
  });
});
