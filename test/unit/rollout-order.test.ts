import { describe, expect, it } from 'vitest';
import { BUILT_IN_COMPROMISES } from '../../src/audit/built-in.js';
import { queuePriority, rolloutRank } from '../../src/rollout/rollout-order.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

const rankOf = (...uses: string[]) => {
  const located = locateUsesSites(
    `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${uses.map((value) => `      - uses: ${value}\n`).join('')}`,
    'workflow',
  );
  if (!located.ok) throw new Error(located.error);
  return rolloutRank(located.references, BUILT_IN_COMPROMISES);
};

describe('the order an install pins repositories in', () => {
  it('ranks a known compromise first, by any mutable ref or by a bad commit', () => {
    expect(rankOf('actions/checkout@v4', 'aquasecurity/trivy-action@0.34.0')).toBe(0);
    expect(rankOf('aquasecurity/trivy-action@master')).toBe(0);
    expect(rankOf('aquasecurity/trivy-action@ddb9da4475c1cef7d5389062bdfdfbdbd1394648')).toBe(0);
  });
  it('then third-party actions by a tag or branch, then GitHub’s own by a tag, then the rest', () => {
    expect(rankOf('actions/checkout@v4', 'docker/login-action@v3')).toBe(1);
    expect(rankOf('actions/checkout@v4', 'github/codeql-action/init@v3')).toBe(2);
    expect(rankOf('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', './local-action')).toBe(3);
    // A pin of a compromised action to a commit that is not a bad one is pinned already.
    expect(rankOf('aquasecurity/trivy-action@76071ef0d7ec797419534a183b498b4d6366cf37')).toBe(3);
    expect(rankOf()).toBe(3);
  });
  it('queues a command before a push, a push before the install, the install by rank', () => {
    const order = [
      queuePriority('install', 3),
      queuePriority('install', 0),
      queuePriority('push'),
      queuePriority('command'),
      queuePriority('install', 1),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual([
      queuePriority('command'),
      queuePriority('push'),
      queuePriority('install', 0),
      queuePriority('install', 1),
      queuePriority('install', 3),
    ]);
  });
});
