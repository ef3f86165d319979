import { describe, expect, it } from 'vitest';
import { ContentBudget, nextWriteAt } from '../../src/github/content-budget.js';
import { requestKind } from '../../src/github/create-octokit.js';

describe('content-creation budget', () => {
  const limits = { perMinute: 80, perHour: 500 };

  it('lets writes through while under both limits', () => {
    expect(nextWriteAt([], 1_000, limits, 1000)).toBe(1_000);
    expect(
      nextWriteAt(
        Array.from({ length: 79 }, (_, index) => index * 100),
        10_000,
        limits,
        1000,
      ),
    ).toBe(10_000);
  });

  it('holds the 81st write of a minute until the first of those 80 is a minute old (and 1 % more)', () => {
    const history = Array.from({ length: 80 }, (_, index) => 1_000 + index * 100);
    expect(nextWriteAt(history, 9_000, limits, 1000)).toBe(1_000 + 60_600);
  });

  it('holds the 501st write of an hour until the first of those 500 is an hour old (and 1 % more)', () => {
    // 500 writes spaced 2 s apart: never 80 in a minute, but 500 within the hour.
    const history = Array.from({ length: 500 }, (_, index) => index * 2_000);
    expect(nextWriteAt(history, 1_000_000, limits, 1000)).toBe(3_636_000);
  });

  it('reserves slots per installation, on a scaled clock', () => {
    let now = 0;
    const budget = new ContentBudget({ limits: { perMinute: 2, perHour: 3 }, msPerSecond: 1, now: () => now });
    // The minute is 60 ms here (61 with its 1 % margin), the hour 3,600 ms (its margin at least 500 ms).
    expect([budget.reserve('a'), budget.reserve('a'), budget.reserve('a')]).toEqual([0, 0, 61]);
    expect(budget.reserve('b')).toBe(0);
    now = 100;
    // The hour (3,600 ms here, 4,100 with the margin) holds three writes of `a` already.
    expect(budget.reserve('a')).toBe(4_100 - 100);
  });
});

describe('which requests spend the content budget', () => {
  it('tells GraphQL queries from mutations on github.com and on GitHub Enterprise, where the URL is absolute', () => {
    expect(requestKind({ method: 'POST', url: '/graphql', query: 'query { viewer { login } }' })).toBe('graphql');
    expect(
      requestKind({
        method: 'POST',
        url: 'https://ghe.example/api/graphql',
        query: 'query pinwardenRead { viewer { login } }',
      }),
    ).toBe('graphql');
    expect(
      requestKind({
        method: 'POST',
        url: 'http://127.0.0.1:3000/api/graphql',
        query: '  mutation pinwardenCommit { x }',
      }),
    ).toBe('graphql-mutation');
    expect(requestKind({ method: 'GET', url: '/repos/{owner}/{repo}' })).toBe('rest-read');
    expect(requestKind({ method: 'POST', url: '/repos/{owner}/{repo}/pulls' })).toBe('rest-write');
  });
});
