// The benchmark's replaying fake: a read asked again is answered with the first answer's bytes
// (so the fake's CPU stays off the cores pinwarden is measured on), until a request that may
// write; and without the option every read is worked out afresh.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeState, findRepository, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { createReplayedReads } from '../../src/dev/fake-github/replayed-reads.js';
import { repoRoot } from '../support/paths.js';

const QUERY = '{ repository(owner: "acme", name: "app") { isArchived } }';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(replayReads: boolean) {
  const state = createFakeState([]);
  seedRepository(state, { fullName: 'acme/app', files: { 'README.md': 'x\n' } });
  fake = await startFakeGitHub({ state, replayReads });
  const repository = findRepository(state, 'acme', 'app') as { archived: boolean };
  const post = (path: string, body: unknown) =>
    fetch(`${fake!.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const archived = async () =>
    ((await (await post('/graphql', { query: QUERY })).json()) as { data: { repository: { isArchived: boolean } } })
      .data.repository.isArchived;
  return { repository, post, archived };
}

describe('the replaying fake', () => {
  it('answers a read asked again from its first answer, until a request that may write', async () => {
    const { repository, post, archived } = await start(true);
    expect(await archived()).toBe(false);
    // Changed behind the fake's back: the kept answer is sent, which shows it is kept.
    repository.archived = true;
    expect(await archived()).toBe(false);
    // A token for the App changes nothing a read answers.
    await post('/app/installations/1/access_tokens', {});
    expect(await archived()).toBe(false);
    // Any other write forgets every kept answer (this one is refused, and still counts).
    await post('/repos/acme/app/issues/1/comments', { body: 'hi' });
    expect(await archived()).toBe(true);
    expect(fake!.requests.filter((request) => request.kind === 'graphql')).toHaveLength(4);
  });

  it('works every read out afresh unless asked to replay', async () => {
    const { repository, archived } = await start(false);
    expect(await archived()).toBe(false);
    repository.archived = true;
    expect(await archived()).toBe(true);
  });

  it('keeps answers up to its byte budget, then works them out each time', () => {
    const reads = createReplayedReads(1_000);
    const answer = Buffer.alloc(600, 1);
    reads.keep('a', answer);
    reads.keep('b', answer);
    expect(reads.answerOf('a')).toBe(answer);
    expect(reads.answerOf('b')).toBeUndefined();
    expect(reads.size).toBe(1);
    reads.saw('PATCH', '/repos/acme/app/git/refs/heads/main', false);
    expect(reads.size).toBe(0);
  });

  it("is refused for a variant that writes (its measured run would meet the warm-up's pull requests)", () => {
    // Needs the build: npm test builds first.
    const script = join(repoRoot, 'dist-dev', 'dev', 'bench', 'org-benchmark.js');
    const run = spawnSync(process.execPath, [script, '--replaying-fake', '--variants', 'pinwarden', '--repos', '1'], {
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--replaying-fake measures pinwarden-dry only');
  });
});
