// The in-process pacing Octokit's throttling runs requests through: ten at once, spacings, retries —
// and, when nothing is to wait for, no wait at all (Bottleneck passed every request through timer
// turns, which a busy event loop stretched to ~140 ms a GraphQL read).
import { describe, expect, it } from 'vitest';
import { concurrencyGroup, retryingScheduler, spacingGroup } from '../../src/github/in-process-pacing.js';
import { pinwardenOctokitClass } from '../../src/github/create-octokit.js';

const later = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** How many turns of the event loop pass until `settled` resolves. */
async function turnsUntil(settled: Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  void settled.then(() => (done = true));
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    turns += done ? 0 : 1;
  }
  return turns;
}

describe('concurrencyGroup', () => {
  it('runs at most N jobs at once a key, keys apart, and lets a retry (weight 0) past', async () => {
    const group = concurrencyGroup(2);
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const job = (label: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running -= 1;
      return label;
    };
    const first = ['a', 'b', 'c', 'd'].map((label) => group.key('one').schedule({}, job(label)));
    await later();
    expect(running).toBe(2);
    // Another installation is not held behind the first one's limit, and a retry is not either.
    const other = group.key('two').schedule({}, job('other'));
    const retry = group.key('one').schedule({ priority: 0, weight: 0 }, job('retry'));
    await later();
    expect(running).toBe(4);
    while (gates.length > 0) {
      gates.shift()!();
      await later();
    }
    expect(await Promise.all([...first, other, retry])).toEqual(['a', 'b', 'c', 'd', 'other', 'retry']);
    expect(most).toBe(4);
  });

  it('passes the arguments, and a job that may go starts before any timer turn', async () => {
    const group = concurrencyGroup(10);
    const started: number[] = [];
    const result = group.key('k').schedule({}, async (a: number, b: number) => started.push(a + b), 1, 2);
    expect(await turnsUntil(result)).toBe(0);
    expect(started).toEqual([3]);
  });

  it('keeps no queue for an installation once it is idle', async () => {
    const group = concurrencyGroup(1);
    for (let index = 0; index < 1_000; index++)
      await group.key(`installation-${index}`).schedule({}, async () => index);
    expect(group.keys()).toBe(0);
  });

  it('rejects with the job’s error and goes on with the next', async () => {
    const group = concurrencyGroup(1);
    const failed = group.key('k').schedule({}, async () => Promise.reject(new Error('boom')));
    const next = group.key('k').schedule({}, async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
  });
});

describe('spacingGroup', () => {
  it('starts a key’s jobs at least minTime apart, in the order asked; another key at once', async () => {
    const group = spacingGroup(20);
    const starts: [string, number][] = [];
    const began = performance.now();
    const job = (label: string) => async () => starts.push([label, performance.now() - began]);
    await Promise.all([
      ...['a', 'b', 'c'].map((label) => group.key('one').schedule({}, job(label))),
      group.key('two').schedule({}, job('other')),
    ]);
    expect(starts.map(([label]) => label)).toEqual(['a', 'other', 'b', 'c']);
    const at = new Map(starts);
    expect(at.get('other')!).toBeLessThan(15);
    expect(at.get('b')! - at.get('a')!).toBeGreaterThanOrEqual(19);
    expect(at.get('c')! - at.get('b')!).toBeGreaterThanOrEqual(19);
  });

  it('starts a first job before any timer turn', async () => {
    expect(
      await turnsUntil(
        spacingGroup(1_000)
          .key('k')
          .schedule({}, async () => 'first'),
      ),
    ).toBe(0);
  });

  it('forgets the keys whose spacing has passed, so installations do not pile up', async () => {
    let now = 0;
    const group = spacingGroup(10, () => now);
    for (let index = 0; index < 10_000; index++) {
      await group.key(`installation-${index}`).schedule({}, async () => index);
      now += 1;
    }
    // Each key holds for 10 ms of the clock; a sweep runs whenever the map has doubled.
    expect(group.keys()).toBeLessThanOrEqual(2_048);
  });
});

describe('retryingScheduler', () => {
  it('runs a job again after the wait a failed handler asks for, with the count of tries', async () => {
    const scheduler = retryingScheduler();
    const seen: { retryCount: number; args: unknown[] }[] = [];
    scheduler.on('failed', (_error, info) => {
      seen.push(info);
      return info.retryCount < 2 ? 5 : undefined;
    });
    let tries = 0;
    const began = performance.now();
    const result = scheduler.schedule(async (label: string) => {
      tries += 1;
      if (tries < 3) throw new Error(`try ${tries}`);
      return `${label} after ${tries}`;
    }, 'job');
    expect(await result).toBe('job after 3');
    expect(performance.now() - began).toBeGreaterThanOrEqual(9);
    expect(seen).toEqual([
      { args: ['job'], retryCount: 0 },
      { args: ['job'], retryCount: 1 },
    ]);
  });

  it('gives the job’s own error when no handler asks for a retry, or a handler throws', async () => {
    const quiet = retryingScheduler();
    quiet.on('failed', () => undefined);
    await expect(quiet.schedule(async () => Promise.reject(new Error('no retry')))).rejects.toThrow('no retry');
    const broken = retryingScheduler();
    broken.on('failed', () => {
      throw new Error('handler broke');
    });
    await expect(broken.schedule(async () => Promise.reject(new Error('the job')))).rejects.toThrow('the job');
  });

  it('refuses an event it never sends, so a plugin listening for more fails loudly', () => {
    expect(() => retryingScheduler().on('retry', () => undefined)).toThrow("no 'retry' event");
  });
});

describe("pinwarden's Octokit", () => {
  it('sends a query and a read without a timer turn when nothing is to wait for', async () => {
    const Octokit = pinwardenOctokitClass(1);
    const fetch = async () =>
      new Response(JSON.stringify({ data: { viewer: { login: 'pinwarden' } } }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    // Octokit's retry plugin keeps a Bottleneck of its own per request; the throttling's pacing is
    // what is held here.
    const octokit = new Octokit({ auth: 'token t', request: { fetch }, retry: { enabled: false } });
    for (let index = 0; index < 3; index++) {
      expect(await turnsUntil(octokit.graphql(`query pinwardenTurns${index} { viewer { login } }`))).toBe(0);
      expect(await turnsUntil(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' }))).toBe(0);
    }
  });
});
