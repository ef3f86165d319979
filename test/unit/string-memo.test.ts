// What the audit remembers across references: bounded by count and by key length, and the same
// answers as computing each time.
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
});

describe('checkIndicators', () => {
  const indicators = indicatorsOf(COMPROMISES);

  it('finds an indicator in any case, and only where it is', () => {
    const text = 'on: push\njobs:\n  a:\n    steps:\n      - run: curl https://SCAN.AquaSecurtiy.org/x\n';
    expect(checkIndicators('w.yml', text, indicators).map((finding) => finding.line)).toEqual([5]);
    expect(checkIndicators('w.yml', text.replace('AquaSecurtiy', 'aquasecurity'), indicators)).toEqual([]);
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
