import { describe, expect, it } from 'vitest';
import { memoByObject } from '../../src/common/object-memo.js';

describe('memoByObject', () => {
  it('computes once per object, undefined answers included, and anew for another object', () => {
    const asked: object[] = [];
    const memo = memoByObject((key: { n: number }) => {
      asked.push(key);
      return key.n > 0 ? key.n : undefined;
    });
    const one = { n: 1 };
    const none = { n: 0 };
    expect([memo(one), memo(none), memo(one), memo(none)]).toEqual([1, undefined, 1, undefined]);
    expect(memo({ n: 1 })).toBe(1);
    expect(asked).toEqual([one, none, { n: 1 }]);
  });
});
