// The fake's secondary limits, on a clock the test moves: GitHub's numbers (100 at once, 2,000
// GraphQL points and 900 REST points a minute, a write 5 points), refused with the wait to take.
import { describe, expect, it } from 'vitest';
import { createSecondaryLimits } from '../../src/dev/fake-github/secondary-limits.js';

describe("the fake's secondary limits", () => {
  it('admit 2,000 GraphQL points a minute, a mutation 5, and say how long to wait past them', () => {
    let now = 0;
    const limits = createSecondaryLimits(1, () => now);
    for (let index = 0; index < 1_990; index += 1) {
      expect(limits.admit('graphql')).toBeUndefined();
      limits.done();
    }
    now = 10;
    expect(limits.admit('graphql-write')).toBeUndefined();
    limits.done();
    expect(limits.admit('graphql-write')).toBeUndefined();
    limits.done();
    expect(limits.admit('graphql')).toBe(50);
    // REST is counted apart.
    expect(limits.admit('rest-read')).toBeUndefined();
    limits.done();
    now = 60;
    expect(limits.admit('graphql')).toBeUndefined();
  });

  it('admit 900 REST points a minute (a write 5) and 100 requests at once', () => {
    let now = 0;
    const limits = createSecondaryLimits(1000, () => now);
    for (let index = 0; index < 180; index += 1) {
      expect(limits.admit('rest-write')).toBeUndefined();
      limits.done();
    }
    expect(limits.admit('rest-read')).toBe(60);
    now = 60_000;
    for (let index = 0; index < 100; index += 1) expect(limits.admit('rest-read')).toBeUndefined();
    expect(limits.admit('graphql')).toBe(1);
    limits.done();
    expect(limits.admit('graphql')).toBeUndefined();
  });
});
